import { describe, expect, it } from 'vitest';
import { call, makeApp } from './harness.ts';

const RP = '2290d4af-9e6e-400b-9d65-1ee01376f71a';
const PARENT = 'fd0dd55c-6330-463b-876c-31c54e95cb95';

describe('resource providers', () => {
  it('POST is 201 bodiless before 1.20, 200 with the provider from 1.20', async () => {
    const { app } = makeApp();
    const old = await call(app, '/resource_providers', { method: 'POST', version: '1.19', body: { name: 'a', uuid: RP } });
    expect(old.status).toBe(201);
    expect(old.headers.get('location')).toBe(`http://localhost/resource_providers/${RP}`);
    expect(old.headers.get('content-type')).toBeNull();
    const created = await call(app, '/resource_providers', { method: 'POST', version: '1.20', body: { name: 'b' } });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ name: 'b', generation: 0, parent_provider_uuid: null });
    expect(created.headers.get('cache-control')).toBe('no-cache');
  });

  it('normalizes dashless uuids and reports duplicates by field', async () => {
    const { app } = makeApp();
    await call(app, '/resource_providers', { method: 'POST', body: { name: 'a', uuid: RP.replace(/-/g, '') } });
    expect((await call(app, `/resource_providers/${RP}`)).json.uuid).toBe(RP);
    const dup = await call(app, '/resource_providers', { method: 'POST', version: '1.23', body: { name: 'a' } });
    expect(dup.status).toBe(409);
    expect(dup.json.errors[0].code).toBe('placement.duplicate_name');
    expect(dup.text).toContain('Conflicting resource provider name: a already exists');
  });

  it('shows links and tree fields by version', async () => {
    const { app } = makeApp();
    await call(app, '/resource_providers', { method: 'POST', body: { name: 'a', uuid: RP } });
    const rels = async (version: string) =>
      (await call(app, `/resource_providers/${RP}`, { version })).json.links.map((l: { rel: string }) => l.rel);
    expect(await rels('1.0')).toEqual(['self', 'inventories', 'usages']);
    expect(await rels('1.1')).toEqual(['self', 'inventories', 'usages', 'aggregates']);
    expect(await rels('1.6')).toEqual(['self', 'inventories', 'usages', 'aggregates', 'traits']);
    expect(await rels('1.11')).toHaveLength(6);
    expect(Object.keys((await call(app, `/resource_providers/${RP}`, { version: '1.13' })).json)).toHaveLength(4);
    expect((await call(app, `/resource_providers/${RP}`, { version: '1.14' })).json.root_provider_uuid).toBe(RP);
    expect((await call(app, `/resource_providers/${RP}`, { version: '1.14' })).headers.get('last-modified')).toBeNull();
  });

  it('renames, re-parents by version, lists by filters, deletes', async () => {
    const { app } = makeApp();
    await call(app, '/resource_providers', { method: 'POST', body: { name: 'child', uuid: RP } });
    await call(app, '/resource_providers', { method: 'POST', body: { name: 'parent', uuid: PARENT } });
    const put = (body: unknown, version = '1.39') =>
      call(app, `/resource_providers/${RP}`, { method: 'PUT', version, body });
    expect((await put({ name: 'child', parent_provider_uuid: PARENT }, '1.13')).status).toBe(400);
    expect((await put({ name: 'child', parent_provider_uuid: PARENT })).json.root_provider_uuid).toBe(PARENT);
    expect((await put({ name: 'child', parent_provider_uuid: null }, '1.36')).text)
      .toContain('un-parenting a provider is not currently allowed');
    const tree = await call(app, `/resource_providers?in_tree=${RP}`, { version: '1.14' });
    expect(tree.json.resource_providers).toHaveLength(2);
    expect((await call(app, '/resource_providers?name=parent')).json.resource_providers).toHaveLength(1);
    expect((await call(app, '/resource_providers?uuid=spameggs')).text).toContain('Invalid query string parameters');
    expect((await call(app, '/resource_providers?in_tree=x', { version: '1.13' })).status).toBe(400);
    const del = await call(app, `/resource_providers/${PARENT}`, { method: 'DELETE', version: '1.23' });
    expect(del.status).toBe(409);
    expect(del.json.errors[0].code).toBe('placement.resource_provider.cannot_delete_parent');
    expect((await call(app, `/resource_providers/${RP}`, { method: 'DELETE' })).status).toBe(204);
    const gone = await call(app, `/resource_providers/${RP}`, { method: 'DELETE' });
    expect(gone.status).toBe(404);
    expect(gone.text).toContain(`No resource provider with uuid ${RP} found for delete`);
  });

  it('404 for an unknown provider before validating the PUT body', async () => {
    const { app } = makeApp();
    const r = await call(app, `/resource_providers/${RP}`, { method: 'PUT', body: { bogus: 1 } });
    expect(r.status).toBe(404);
    expect(r.text).toContain(`No resource provider with uuid ${RP} found`);
  });

  it('an empty name: refused on create with upstream\'s reason, accepted on rename', async () => {
    const { app, ledger } = makeApp();
    const created = await call(app, '/resource_providers', { method: 'POST', version: '1.39', body: { name: '', uuid: RP } });
    expect(created.status).toBe(400);
    expect(created.json.errors[0].detail).toContain(
      `Unable to create resource provider "", ${RP}: Object action create failed because: name is required`);
    expect(ledger.providers.size).toBe(0);
    expect((await call(app, '/resource_providers', { method: 'POST', version: '1.39', body: { name: 'a', uuid: RP } }))
      .status).toBe(200);
    const renamed = await call(app, `/resource_providers/${RP}`, { method: 'PUT', version: '1.39', body: { name: '' } });
    expect(renamed.status).toBe(200);
    expect(renamed.json.name).toBe('');
  });
});
