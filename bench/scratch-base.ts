import http from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
const mode = process.argv[2];
if (mode === 'node') {
  http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(204, { 'x-openstack-request-id': 'req-1', 'openstack-api-version': 'placement 1.39', vary: 'openstack-api-version' }); res.end(); }); }).listen(18790, '127.0.0.1');
} else {
  const app = new Hono();
  app.put('/allocations/:id', async (c) => { await c.req.text(); return c.body(null, 204, { 'x-openstack-request-id': 'req-1' }); });
  app.get('/', (c) => c.text('hi'));
  serve({ fetch: app.fetch, port: 18790, hostname: '127.0.0.1' });
}
process.on('SIGINT', () => process.exit(0));
