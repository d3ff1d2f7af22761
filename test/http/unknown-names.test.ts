/**
 * Names of things that must exist, however long or odd, reach the core and
 * are refused there as upstream refuses them (404, or its 400 sentence),
 * never with the command schema's "Invalid command" 400.
 */
import { describe, expect, it } from 'vitest';
import { call, makeApp } from './harness.ts';

const V = '1.39';
const RP = 'bbbbbbbb-0000-4000-8000-000000000001';
const C = 'cccccccc-0000-4000-8000-000000000001';
const LONG = 'a'.repeat(2000);
const LONG_CLASS = 'A'.repeat(300);
const DASHES = '-'.repeat(36);

async function seeded() {
  const { app, ledger } = makeApp();
  expect((await call(app, '/resource_providers', { method: 'POST', version: V, body: { name: 'rp', uuid: RP } }))
    .status).toBe(200);
  expect((await call(app, `/resource_providers/${RP}/inventories`, { method: 'PUT', version: V,
    body: { resource_provider_generation: 0, inventories: { VCPU: { total: 8 } } } })).status).toBe(200);
  return { app, ledger };
}

const alloc = (resources: Record<string, number>, rp = RP) => ({ allocations: { [rp]: { resources } },
  project_id: 'p', user_id: 'u', consumer_generation: null, consumer_type: 'INSTANCE' });

describe('overlong names in the path: 404', () => {
  for (const [method, path, detail] of [
    ['DELETE', `/resource_providers/${LONG}`, 'No resource provider with uuid'],
    ['DELETE', `/traits/${LONG}`, 'No such trait(s)'],
    ['DELETE', `/allocations/${LONG}`, 'No allocations for consumer'],
    ['DELETE', `/resource_providers/${RP}/inventories/${LONG}`, `No inventory of class ${LONG} found for delete: ` +
      `No such resource class ${LONG}.`],
  ] as const) {
    it(`${method} ${path.slice(0, 40)}…`, async () => {
      const { app } = await seeded();
      const res = await call(app, path, { method, version: V });
      expect(res.status).toBe(404);
      expect(res.json.errors[0].detail).toContain(detail);
    });
  }

  it('PUT one inventory of an unknown class: 404 after the capacity check', async () => {
    const { app } = await seeded();
    const path = `/resource_providers/${RP}/inventories/${LONG}`;
    const unknown = await call(app, path, { method: 'PUT', version: V, body: { resource_provider_generation: 1, total: 1 } });
    expect(unknown.status).toBe(404);
    expect(unknown.json.errors[0].detail).toContain(`No such resource class ${LONG}.`);
    const bad = await call(app, path, { method: 'PUT', version: V,
      body: { resource_provider_generation: 1, total: 1, reserved: 5 } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].detail).toContain('Unable to update inventory for resource provider');
  });

  it('DELETE an inventory of a known class the provider lacks: upstream\'s sentence', async () => {
    const { app } = await seeded();
    const res = await call(app, `/resource_providers/${RP}/inventories/DISK_GB`, { method: 'DELETE', version: V });
    expect(res.status).toBe(404);
    expect(res.json.errors[0].detail).toContain(
      'No inventory of class DISK_GB found for delete: No inventory of class DISK_GB found for delete');
  });
});

describe('a 300-character class in a body: refused by the core', () => {
  it('in allocations: 400 unable to allocate', async () => {
    const { app } = await seeded();
    const res = await call(app, `/allocations/${C}`, { method: 'PUT', version: V, body: alloc({ [LONG_CLASS]: 1 }) });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].detail).toContain(`Unable to allocate inventory for consumer ${C}`);
  });

  it('in PUT inventories: 400 unknown resource class', async () => {
    const { app } = await seeded();
    const res = await call(app, `/resource_providers/${RP}/inventories`, { method: 'PUT', version: V,
      body: { resource_provider_generation: 1, inventories: { [LONG_CLASS]: { total: 1 } } } });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].detail).toContain('Unknown resource class in inventory for resource provider');
  });

  it('in a reshape: 400 malformed reshaper data', async () => {
    const { app } = await seeded();
    const res = await call(app, '/reshaper', { method: 'POST', version: V, body: {
      inventories: { [RP]: { resource_provider_generation: 1, inventories: { [LONG_CLASS]: { total: 1 } } } },
      allocations: {} } });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].detail).toContain('malformed reshaper data: No such resource class');
  });
});

describe("POST /allocations keys upstream's loose UUID pattern lets through", () => {
  it('36 dashes as a consumer: taken as upstream takes it', async () => {
    const { app } = await seeded();
    const res = await call(app, '/allocations', { method: 'POST', version: V,
      body: { [DASHES]: { ...alloc({}), allocations: {} } } });
    expect(res.status).toBe(204);
  });

  it('36 dashes as a provider: 400 naming it', async () => {
    const { app } = await seeded();
    const res = await call(app, '/allocations', { method: 'POST', version: V, body: { [C]: alloc({ VCPU: 1 }, DASHES) } });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].detail).toContain(`Allocation for resource provider '${DASHES}'`);
  });
});
