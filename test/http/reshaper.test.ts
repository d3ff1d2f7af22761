import { describe, expect, it } from 'vitest';
import { call, makeApp, type App } from './harness.ts';

const ROOT = 'fcfa516a-abbe-45d1-8152-d5225d82e596';
const CHILD = '04914444-41ae-4ff3-ab56-ded01552cd1e';
const C1 = '599ffd2d-526a-4b2e-8683-f13ad25f9958';
const PROJECT = '42a32c07-3eeb-4401-9373-68a8cdca6784';
const USER = '66cb2f29-c86d-47c3-8af5-69ae7b778c70';

/** A root with VCPU (C1 holds 4) and DISK_GB, an empty child: generations 3 and 0. */
async function setup() {
  const { app, ledger } = makeApp();
  const ok = async (path: string, method: string, body: unknown, version = '1.38') => {
    const r = await call(app, path, { method, body, version });
    expect(r.status, r.text).toBeLessThan(300);
  };
  await ok('/resource_providers', 'POST', { uuid: ROOT, name: 'root' });
  await ok('/resource_providers', 'POST', { uuid: CHILD, name: 'child', parent_provider_uuid: ROOT });
  await ok(`/resource_providers/${ROOT}/inventories`, 'PUT', { resource_provider_generation: 0,
    inventories: { VCPU: { total: 8 }, DISK_GB: { total: 100 } } });
  await ok(`/allocations/${C1}`, 'PUT', { allocations: { [ROOT]: { resources: { VCPU: 4 } } },
    project_id: PROJECT, user_id: USER, consumer_generation: null, consumer_type: 'INSTANCE' });
  return { app, ledger };
}

const consumer = (allocations: Record<string, Record<string, number>>, extra: Record<string, unknown> = {}) => ({
  allocations: Object.fromEntries(Object.entries(allocations).map(([rp, resources]) => [rp, { resources }])),
  project_id: PROJECT, user_id: USER, consumer_generation: 1, ...extra,
});

/** VCPU and C1 move to the child. */
const moveVcpu = (extra: Record<string, unknown> = {}, vcpu: Record<string, number> = { total: 8 }) => ({
  inventories: {
    [ROOT]: { resource_provider_generation: 2, inventories: { DISK_GB: { total: 100 } } },
    [CHILD]: { resource_provider_generation: 0, inventories: { VCPU: vcpu } },
  },
  allocations: { [C1]: consumer({ [CHILD]: { VCPU: 4 } }, extra) },
});

const reshape = (app: App, body: unknown, version = '1.30', token?: string) =>
  call(app, '/reshaper', { method: 'POST', body, version, ...(token ? { token } : {}) });

describe('POST /reshaper', () => {
  it('moves inventory and allocations to a child: 204, then usages and generations as upstream', async () => {
    const { app } = await setup();
    const r = await reshape(app, moveVcpu());
    expect(r.status, r.text).toBe(204);
    expect(r.text).toBe('');
    const root = await call(app, `/resource_providers/${ROOT}/usages`, { version: '1.30' });
    expect(root.json).toEqual({ resource_provider_generation: 4, usages: { DISK_GB: 0 } });
    const child = await call(app, `/resource_providers/${CHILD}/usages`, { version: '1.30' });
    expect(child.json).toEqual({ resource_provider_generation: 3, usages: { VCPU: 4 } });
    const inv = await call(app, `/resource_providers/${CHILD}/inventories`);
    expect(inv.json.inventories.VCPU).toEqual({ total: 8, reserved: 0, min_unit: 1, max_unit: 2147483647,
      step_size: 1, allocation_ratio: 1 });
    const alloc = await call(app, `/allocations/${C1}`, { version: '1.38' });
    expect(alloc.json.consumer_generation).toBe(2);
    expect(alloc.json.consumer_type).toBe('INSTANCE');
  });

  it('is POST only, from 1.30, and needs the reshape policy', async () => {
    const { app } = await setup();
    const get = await call(app, '/reshaper', { version: '1.30' });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await reshape(app, moveVcpu(), '1.29')).status).toBe(404);
    const user = await reshape(app, moveVcpu(), '1.30', 'user');
    expect(user.status).toBe(403);
    expect(user.json.errors[0].detail).toContain('placement:reshaper:reshape');
  });

  it('validates the body per microversion', async () => {
    const { app } = await setup();
    const cows = await reshape(app, { cows: 'moo' });
    expect(cows.status).toBe(400);
    expect(cows.json.errors[0].detail).toContain('JSON does not validate');
    expect((await reshape(app, { inventories: moveVcpu().inventories })).status).toBe(400);
    expect((await reshape(app, { inventories: {}, allocations: {} })).status).toBe(400);
    const mappings = { mappings: { '': [CHILD] } };
    const early = await reshape(app, moveVcpu(mappings), '1.33');
    expect(early.json.errors[0].detail).toMatch(/Additional properties are not allowed/);
    expect((await reshape(app, moveVcpu(mappings), '1.34')).status).toBe(204);
  });

  it('requires consumer_type from 1.38 and refuses it before', async () => {
    const { app } = await setup();
    const missing = await reshape(app, moveVcpu(), '1.38');
    expect(missing.status).toBe(400);
    expect(missing.json.errors[0].detail).toContain("'consumer_type' is a required property");
    const early = await reshape(app, moveVcpu({ consumer_type: 'RESHAPED' }), '1.36');
    expect(early.json.errors[0].detail).toContain("'consumer_type' was unexpected");
    expect((await reshape(app, moveVcpu({ consumer_type: 'RESHAPED' }), '1.38')).status).toBe(204);
    const alloc = await call(app, `/allocations/${C1}`, { version: '1.38' });
    expect(alloc.json.consumer_type).toBe('RESHAPED');
  });

  it('answers the core\'s rejections with upstream\'s status, code and words', async () => {
    const { app, ledger } = await setup();
    const MISSING = '39bafc00-3fff-444d-b87a-2ead3f866e05';
    const body = moveVcpu();
    const cases: Array<[unknown, number, string, string | RegExp]> = [
      [{ ...body, inventories: { ...body.inventories, [MISSING]: { resource_provider_generation: 0, inventories: {} } } },
        400, 'placement.resource_provider.not_found', `Resource provider ${MISSING} in inventories not found`],
      [{ ...body, inventories: { [ROOT]: { ...body.inventories[ROOT], resource_provider_generation: 1 } } },
        409, 'placement.concurrent_update', 'resource provider generation conflict for provider'],
      [moveVcpu({ consumer_generation: 99 }), 409, 'placement.concurrent_update', 'consumer generation conflict'],
      [moveVcpu({}, { total: 2, max_unit: 8 }), 409, 'placement.undefined_code', 'Unable to allocate inventory'],
      [{ ...body, inventories: { ...body.inventories, [CHILD]: { resource_provider_generation: 0,
        inventories: { DISK_OF_STEEL: { total: 8 } } } } }, 400, 'placement.undefined_code',
      'malformed reshaper data: No such resource class DISK_OF_STEEL.'],
      [{ ...body, allocations: {} }, 409, 'placement.inventory.inuse',
        `update conflict: Inventory for 'VCPU' on resource provider '${ROOT}' in use.`],
    ];
    for (const [b, status, code, detail] of cases) {
      const r = await reshape(app, b);
      expect(r.status, r.text).toBe(status);
      expect(r.json.errors[0].code).toBe(code);
      expect(r.json.errors[0].detail).toMatch(detail);
    }
    // All or nothing: nothing moved.
    expect(ledger.providers.get(ROOT)!.generation).toBe(2);
    expect(ledger.providers.get(CHILD)!.generation).toBe(0);
    expect(ledger.consumers.get(C1)!.generation).toBe(1);
  });
});
