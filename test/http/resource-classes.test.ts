import { describe, expect, it } from 'vitest';
import { call, makeApp } from './harness.ts';

describe('resource classes', () => {
  it('is hidden below 1.2', async () => {
    const { app } = makeApp();
    expect((await call(app, '/resource_classes', { version: '1.1' })).status).toBe(404);
  });

  it('lists the standard classes, creates, shows, renames (1.2-1.6), deletes', async () => {
    const { app } = makeApp();
    const list = await call(app, '/resource_classes', { version: '1.15' });
    expect(list.json.resource_classes[0]).toEqual({ name: 'VCPU', links: [{ rel: 'self', href: '/resource_classes/VCPU' }] });
    expect(list.headers.get('last-modified')).toMatch(/GMT$/);
    const created = await call(app, '/resource_classes', { method: 'POST', version: '1.2', body: { name: 'CUSTOM_A' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('http://localhost/resource_classes/CUSTOM_A');
    expect(created.headers.get('content-type')).toBeNull();
    const again = await call(app, '/resource_classes', { method: 'POST', version: '1.2', body: { name: 'CUSTOM_A' } });
    expect(again.status).toBe(409);
    expect(again.text).toContain('Conflicting resource class already exists: CUSTOM_A');
    const renamed = await call(app, '/resource_classes/CUSTOM_A', { method: 'PUT', version: '1.6', body: { name: 'CUSTOM_B' } });
    expect(renamed.json).toEqual({ name: 'CUSTOM_B', links: [{ rel: 'self', href: '/resource_classes/CUSTOM_B' }] });
    expect((await call(app, '/resource_classes/CUSTOM_A', { version: '1.6' })).status).toBe(404);
    const std = await call(app, '/resource_classes/VCPU', { method: 'PUT', version: '1.6', body: { name: 'CUSTOM_C' } });
    expect(std.text).toContain('Cannot update standard resource class VCPU');
    expect((await call(app, '/resource_classes/VCPU', { method: 'DELETE', version: '1.2' })).text)
      .toContain('Cannot delete standard resource class');
    expect((await call(app, '/resource_classes/CUSTOM_B', { method: 'DELETE', version: '1.2' })).status).toBe(204);
    expect((await call(app, '/resource_classes/CUSTOM_B', { method: 'DELETE', version: '1.2' })).status).toBe(404);
  });

  it('PUT at 1.7+ creates if absent (201, then 204) and validates the name', async () => {
    const { app } = makeApp();
    const put = (name: string) => call(app, `/resource_classes/${name}`, { method: 'PUT', version: '1.7' });
    expect((await put('CUSTOM_COW')).status).toBe(201);
    expect((await put('CUSTOM_COW')).status).toBe(204);
    const bad = await put('COW');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Failed validating 'pattern'");
  });

  it('PUT at 1.6 without a body is malformed JSON', async () => {
    const { app } = makeApp();
    const r = await call(app, '/resource_classes/CUSTOM_COW', {
      method: 'PUT', version: '1.6', headers: { 'content-type': 'application/json' },
    });
    expect(r.status).toBe(400);
    expect(r.text).toContain('Malformed JSON:');
  });
});
