import { describe, expect, it } from 'vitest';
import { makeApp } from './harness.ts';

const RP = 'fcfa516a-abbe-45d1-8152-d5225d82e596';
const C1 = '599ffd2d-526a-4b2e-8683-f13ad25f9958';
const C2 = '39715579-2167-4c63-8247-301311cc6703';
const PROJECT = '42a32c07-3eeb-4401-9373-68a8cdca6784';
const USER = '66cb2f29-c86d-47c3-8af5-69ae7b778c70';
const INCOMPLETE = '00000000-0000-0000-0000-000000000000';

async function setup() {
  const { app, ledger, writer } = makeApp();
  const meta = (commandId: string) => ({ requestId: 'req-test', commandId });
  await writer.submit({ type: 'CreateResourceProvider', uuid: RP, name: 'rp', parentUuid: null }, meta('rp'));
  const inv = (total: number) => ({ total, reserved: 0, min_unit: 1, max_unit: total, step_size: 1,
    allocation_ratio: 1 });
  await writer.submit({ type: 'ChangeInventories', uuid: RP, generation: 0, reservedMayEqualTotal: false,
    change: { kind: 'replace', inventories: { VCPU: inv(8), DISK_GB: inv(100) } } }, meta('inv'));
  const call = async (method: string, path: string, body?: unknown, version = '1.0') => {
    const res = await app.request(path, {
      method,
      headers: { 'x-auth-token': 'admin', 'openstack-api-version': `placement ${version}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
  };
  return { ledger, call };
}

const listBody = (resources: Record<string, number>) =>
  ({ allocations: [{ resource_provider: { uuid: RP }, resources }] });
const dictBody = (resources: Record<string, number>, extra: Record<string, unknown> = {}) =>
  ({ allocations: { [RP]: { resources } }, project_id: PROJECT, user_id: USER, ...extra });

describe('allocations', () => {
  it('takes the 1.0 list form, with the incomplete-consumer ids', async () => {
    const { call, ledger } = await setup();
    expect((await call('PUT', `/allocations/${C1}`, listBody({ DISK_GB: 10 }))).status).toBe(204);
    const got = await call('GET', `/allocations/${C1}`, undefined, '1.12');
    expect(got.json).toEqual({ allocations: { [RP]: { resources: { DISK_GB: 10 }, generation: 2 } },
      project_id: INCOMPLETE, user_id: INCOMPLETE });
    expect(ledger.providers.get(RP)!.usages.get('DISK_GB')).toBe(10);
    const old = await call('GET', `/allocations/${C1}`, undefined, '1.11');
    expect(Object.keys(old.json)).toEqual(['allocations']);
  });

  it('requires project and user from 1.8 and the dict form from 1.12', async () => {
    const { call } = await setup();
    const r = await call('PUT', `/allocations/${C1}`, listBody({ DISK_GB: 10 }), '1.8');
    expect(r.status).toBe(400);
    expect(r.json.errors[0].detail).toContain("Failed validating 'required' in schema");
    const listish = await call('PUT', `/allocations/${C1}`,
      { ...listBody({ DISK_GB: 10 }), project_id: PROJECT, user_id: USER }, '1.12');
    expect(listish.status).toBe(400);
    const empty = await call('PUT', `/allocations/${C1}`, dictBody({ DISK_GB: 1 }, { allocations: {} }), '1.12');
    expect(empty.json.errors[0].detail).toContain('does not have enough properties');
    const badRc = await call('PUT', `/allocations/${C1}`, dictBody({ vcpu: 1 }), '1.12');
    expect(badRc.json.errors[0].detail).toContain('does not match any of the regexes');
    expect((await call('PUT', `/allocations/${C1}`, dictBody({ VCPU: 1 }), '1.12')).status).toBe(204);
  });

  it('checks consumer generations from 1.28', async () => {
    const { call } = await setup();
    const noGen = await call('PUT', `/allocations/${C1}`, dictBody({ VCPU: 1 }), '1.28');
    expect(noGen.status).toBe(400);
    const wrong = await call('PUT', `/allocations/${C1}`, dictBody({ VCPU: 1 }, { consumer_generation: 5 }), '1.28');
    expect(wrong.status).toBe(409);
    expect(wrong.json.errors[0].detail).toContain('expected null but got 5');
    expect(wrong.json.errors[0].code).toBe('placement.concurrent_update');
    const ok = await call('PUT', `/allocations/${C1}`, dictBody({ VCPU: 1 }, { consumer_generation: null }), '1.28');
    expect(ok.status).toBe(204);
    const got = await call('GET', `/allocations/${C1}`, undefined, '1.28');
    expect(got.json.consumer_generation).toBe(1);
    const cleared = await call('PUT', `/allocations/${C1}`,
      dictBody({}, { allocations: {}, consumer_generation: 1 }), '1.28');
    expect(cleared.status).toBe(204);
    expect((await call('GET', `/allocations/${C1}`, undefined, '1.28')).json).toEqual({ allocations: {} });
  });

  it('requires a consumer type from 1.38 and shows unknown for none', async () => {
    const { call } = await setup();
    const none = await call('PUT', `/allocations/${C1}`, dictBody({ VCPU: 1 }, { consumer_generation: null }), '1.38');
    expect(none.json.errors[0].detail).toContain("'consumer_type' is a required property");
    const bad = await call('PUT', `/allocations/${C1}`,
      dictBody({ VCPU: 1 }, { consumer_generation: null, consumer_type: 'instance' }), '1.38');
    expect(bad.json.errors[0].detail).toContain("'instance' does not match '^[A-Z0-9_]+$'");
    await call('PUT', `/allocations/${C2}`, dictBody({ VCPU: 1 }, { consumer_generation: null }), '1.37');
    expect((await call('GET', `/allocations/${C2}`, undefined, '1.38')).json.consumer_type).toBe('unknown');
    await call('PUT', `/allocations/${C1}`, dictBody({ VCPU: 1 },
      { consumer_generation: null, consumer_type: 'INSTANCE', mappings: { '': [RP] } }), '1.38');
    expect((await call('GET', `/allocations/${C1}`, undefined, '1.38')).json.consumer_type).toBe('INSTANCE');
  });

  it('accepts mappings from 1.34 only, checking their shape', async () => {
    const { call } = await setup();
    const body = (mappings: unknown) => dictBody({ VCPU: 1 }, { consumer_generation: null, mappings });
    const early = await call('PUT', `/allocations/${C1}`, body({ '': [RP] }), '1.33');
    expect(early.json.errors[0].detail).toMatch(/Additional properties are not allowed/);
    const form = await call('PUT', `/allocations/${C1}`, body({ alpha: 'beta' }), '1.34');
    expect(form.json.errors[0].detail).toMatch(/JSON does not validate: 'beta' is not of type 'array'/);
    const none = await call('PUT', `/allocations/${C1}`, body({}), '1.34');
    expect(none.json.errors[0].detail).toMatch(/JSON does not validate: \{\} does not have enough properties/);
    expect((await call('PUT', `/allocations/${C1}`, body({ '': [RP], _NET1: [RP] }), '1.34')).status).toBe(204);
  });

  it('normalises a dashless consumer uuid and refuses a malformed one', async () => {
    const { call, ledger } = await setup();
    const r = await call('PUT', `/allocations/${C1.replace(/-/g, '')}`, listBody({ VCPU: 1 }));
    expect(r.status).toBe(204);
    expect(ledger.consumers.has(C1)).toBe(true);
    const bad = await call('PUT', '/allocations/not-a-uuid', listBody({ VCPU: 1 }));
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].detail).toContain('Malformed consumer_uuid');
  });

  it('refuses over capacity, unknown providers and unknown classes', async () => {
    const { call } = await setup();
    const over = await call('PUT', `/allocations/${C1}`, listBody({ VCPU: 9 }));
    expect(over.status).toBe(409);
    const rp = await call('PUT', `/allocations/${C1}`,
      { allocations: [{ resource_provider: { uuid: 'be8b9cba-e7db-4a12-a386-99b4242167fe' }, resources: { VCPU: 1 } }] });
    expect(rp.json.errors[0].detail).toContain("Allocation for resource provider 'be8b9cba-e7db-4a12-a386-99b4242167fe' that does not exist");
    const rc = await call('PUT', `/allocations/${C1}`, listBody({ COWS: 1 }));
    expect(rc.status).toBe(400);
    expect(rc.json.errors[0].detail).toContain('No such resource class COWS');
  });

  it('posts many consumers at once from 1.13, all or nothing', async () => {
    const { call, ledger } = await setup();
    expect((await call('POST', '/allocations', {}, '1.12')).status).toBe(404);
    expect((await call('GET', '/allocations')).headers.get('allow')).toBe('POST');
    const over = await call('POST', '/allocations', {
      [C1]: dictBody({ VCPU: 5 }), [C2]: dictBody({ VCPU: 5 }) }, '1.13');
    expect(over.status).toBe(409);
    expect(ledger.consumers.size).toBe(0);
    const ok = await call('POST', '/allocations', {
      [C1]: dictBody({ VCPU: 4 }), [C2]: dictBody({ VCPU: 4 }) }, '1.13');
    expect(ok.status).toBe(204);
    const byRp = await call('GET', `/resource_providers/${RP}/allocations`, undefined, '1.28');
    expect(byRp.json).toEqual({ resource_provider_generation: 2, allocations: {
      [C1]: { resources: { VCPU: 4 }, consumer_generation: 1 },
      [C2]: { resources: { VCPU: 4 }, consumer_generation: 1 } } });
  });

  it('deletes a consumer’s allocations, 404 when there are none', async () => {
    const { call } = await setup();
    await call('PUT', `/allocations/${C1}`, listBody({ VCPU: 1 }));
    expect((await call('DELETE', `/allocations/${C1}`)).status).toBe(204);
    const again = await call('DELETE', `/allocations/${C1}`);
    expect(again.status).toBe(404);
    expect(again.json.errors[0].detail).toContain(`No allocations for consumer '${C1}'`);
  });

  it('shows cache headers from 1.15 only', async () => {
    const { call } = await setup();
    expect((await call('GET', `/allocations/${C1}`, undefined, '1.14')).headers.get('last-modified')).toBeNull();
    const r = await call('GET', `/resource_providers/${RP}/allocations`, undefined, '1.15');
    expect(r.headers.get('cache-control')).toBe('no-cache');
    expect(r.headers.get('last-modified')).toMatch(/GMT$/);
  });
});
