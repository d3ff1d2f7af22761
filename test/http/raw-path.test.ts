/**
 * Dot segments and absolute-form targets (breaker finding 3/18): routing sees
 * the raw request target, so `%2e%2e` cannot reach another resource.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unroutableTarget } from '../../src/http/middleware/raw-path.ts';
import { call, makeApp } from './harness.ts';

const A = 'e0e0e0e0-0000-0000-0000-00000000000a';
const B = 'e0e0e0e0-0000-0000-0000-00000000000b';
const H = { 'x-auth-token': 'admin', 'openstack-api-version': 'placement 1.39', accept: 'application/json' };

describe('unroutableTarget', () => {
  it('spots dot segments, encoded or not, and non-path targets', () => {
    for (const t of ['/resource_providers/%2e%2e', '/a/%2E%2e/b', '/a/../b', '/a/./b', '/a/%2e/b', '/a/.%2e?x=1',
      'http://evil/resource_providers', '*', 'resource_providers']) {
      expect(unroutableTarget(t), t).toBe(true);
    }
    for (const t of ['/', '/resource_providers', `/resource_providers/${A}`, '/a/...', '/a/.b', '/x?y=../..']) {
      expect(unroutableTarget(t), t).toBe(false);
    }
  });
});

describe('over a real server', () => {
  const { app } = makeApp();
  let server: ReturnType<typeof serve>;
  let port = 0;
  beforeAll(async () => {
    for (const [name, uuid] of [['a', A], ['b', B]]) {
      expect((await call(app, '/resource_providers', { method: 'POST', version: '1.39', body: { name, uuid } }))
        .status).toBe(200);
    }
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const raw = (method: string, path: string, body?: string) => new Promise<{ status: number; text: string }>(
    (resolve, reject) => {
      const headers: Record<string, string> = { ...H };
      if (body) headers['content-type'] = 'application/json';
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('DELETE /resource_providers/A/%2e%2e/B is a 404 and B survives', async () => {
    const res = await raw('DELETE', `/resource_providers/${A}/%2e%2e/${B}`);
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text).errors[0].title).toBe('Not Found');
    expect((await raw('GET', `/resource_providers/${B}`)).status).toBe(200);
  });

  it('PUT through .. does not rename; GET /resource_providers/%2e%2e is a 404', async () => {
    expect((await raw('PUT', `/resource_providers/${B}/../${A}`, '{"name":"renamed"}')).status).toBe(404);
    expect(JSON.parse((await raw('GET', `/resource_providers/${A}`)).text).name).toBe('a');
    expect((await raw('GET', '/resource_providers/%2e%2e')).status).toBe(404);
    expect((await raw('GET', '/resource_classes/%2E%2E')).status).toBe(404);
    expect((await raw('DELETE', `/resource_providers/${A}/x/%2e%2e/inventories`)).status).toBe(404);
  });

  it('an absolute-form target is a 404', async () => {
    expect((await raw('GET', 'http://evil/resource_providers')).status).toBe(404);
  });

  it('ordinary paths still route', async () => {
    expect((await raw('GET', `/resource_providers/${A}/inventories`)).status).toBe(200);
    expect((await raw('GET', '/resource_providers?name=a')).status).toBe(200);
  });
});
