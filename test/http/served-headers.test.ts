/**
 * The headers every response carries, as a real Node server sends them:
 * served by @hono/node-server, responses keep their plain header record
 * and the middleware stamps into it (responses.ts), a path the in-process
 * app.request tests never take.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { makeApp } from './harness.ts';
import { createPlacementServer } from '../../src/http/node-server.ts';

let server: Server;
let base = '';

beforeAll(async () => {
  const { app } = makeApp();
  server = createPlacementServer(app.fetch);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const admin = { 'x-auth-token': 'admin', 'openstack-api-version': 'placement 1.39' };

describe('response headers on a real server', () => {
  it('a success carries the request id, the version and vary', async () => {
    const res = await fetch(`${base}/`, { headers: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-openstack-request-id')).toMatch(/^req-[0-9a-f-]{36}$/);
    expect(res.headers.get('openstack-api-version')).toBe('placement 1.39');
    expect(res.headers.get('vary')).toBe('openstack-api-version');
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('a bodiless write and a created provider carry them too', async () => {
    const uuid = randomUUID();
    const created = await fetch(`${base}/resource_providers`, {
      method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ name: `rp-${uuid}`, uuid }),
    });
    expect(created.status).toBe(200);
    expect(created.headers.get('location')).toBe(`${base}/resource_providers/${uuid}`);
    const deleted = await fetch(`${base}/resource_providers/${uuid}`, { method: 'DELETE', headers: admin });
    expect(deleted.status).toBe(204);
    for (const res of [created, deleted]) {
      expect(res.headers.get('x-openstack-request-id')).toMatch(/^req-/);
      expect(res.headers.get('openstack-api-version')).toBe('placement 1.39');
      expect(res.headers.get('vary')).toBe('openstack-api-version');
    }
  });

  it('an error carries the request id and version, and no vary (raised outside the version layer)', async () => {
    const res = await fetch(`${base}/nowhere`, { headers: admin });
    expect(res.status).toBe(404);
    const body = await res.json() as { errors: Array<{ request_id: string }> };
    expect(res.headers.get('x-openstack-request-id')).toBe(body.errors[0]!.request_id);
    expect(res.headers.get('openstack-api-version')).toBe('placement 1.39');
    expect(res.headers.get('vary')).toBeNull();
  });

  it('a middleware that reads the headers first still sees, and keeps, what is stamped after', async () => {
    const { app } = makeApp('cors');
    const corsServer = createPlacementServer(app.fetch);
    await new Promise<void>((resolve) => corsServer.listen(0, '127.0.0.1', () => resolve()));
    try {
      const url = `http://127.0.0.1:${(corsServer.address() as AddressInfo).port}/`;
      const res = await fetch(url, { headers: { ...admin, origin: 'http://valid.example.com' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-openstack-request-id')).toMatch(/^req-/);
      expect(res.headers.get('openstack-api-version')).toBe('placement 1.39');
      expect(res.headers.get('vary')).toBe('openstack-api-version,Origin');
      expect(res.headers.get('access-control-allow-origin')).toBe('http://valid.example.com');
    } finally {
      await new Promise((r) => corsServer.close(r));
    }
  });
});
