/**
 * Generations and amounts of 2**53 and more. Upstream's schemas give them
 * no maximum (Python ints are unbounded), so they pass validation and are
 * refused later: a generation that cannot match is a 409 concurrent_update,
 * an amount past max_unit a 409 constraint violation. Nothing is written.
 * Inventory fields keep their schema maximum (2**31 - 1): 400 as upstream.
 */
import { describe, expect, it } from 'vitest';
import { call, makeApp } from './harness.ts';

const V = '1.39';
const RP = '11111111-1111-4111-8111-111111111111';
const C1 = '22222222-2222-4222-8222-222222222222';
const C2 = '33333333-3333-4333-8333-333333333333';
const BIG = ['9007199254740992', '9223372036854775808', '1' + '0'.repeat(30), '-9007199254740993'];

async function seeded() {
  const { app, ledger } = makeApp();
  const ok = async (path: string, method: string, body: unknown) =>
    expect((await call(app, path, { method, version: V, body })).status).toBeLessThan(300);
  await ok('/resource_providers', 'POST', { name: 'rp', uuid: RP });
  await ok(`/resource_providers/${RP}/inventories`, 'PUT',
    { resource_provider_generation: 0, inventories: { VCPU: { total: 8 } } });
  await ok(`/allocations/${C1}`, 'PUT', { allocations: { [RP]: { resources: { VCPU: 1 } } },
    project_id: 'p', user_id: 'u', consumer_generation: null, consumer_type: 'INSTANCE' });
  return { app, ledger, state: () => JSON.stringify([ledger.lastSeq, ledger.providers.get(RP)?.generation]) };
}

const alloc = (amount: string, gen: string) =>
  `{"allocations":{"${RP}":{"resources":{"VCPU":${amount}}}},"project_id":"p","user_id":"u",` +
  `"consumer_generation":${gen},"consumer_type":"INSTANCE"}`;

const generationCases = (n: string): Array<[string, string, string, string]> => [
  ['PUT', `/resource_providers/${RP}/inventories`,
    `{"resource_provider_generation":${n},"inventories":{"VCPU":{"total":8}}}`, 'resource provider generation conflict'],
  ['PUT', `/resource_providers/${RP}/inventories/VCPU`, `{"resource_provider_generation":${n},"total":8}`,
    'resource provider generation conflict'],
  ['PUT', `/resource_providers/${RP}/traits`, `{"resource_provider_generation":${n},"traits":[]}`,
    "Resource provider's generation already changed"],
  ['PUT', `/resource_providers/${RP}/aggregates`, `{"resource_provider_generation":${n},"aggregates":[]}`,
    "Resource provider's generation already changed"],
  ['PUT', `/allocations/${C1}`, alloc('1', n), 'consumer generation conflict - expected 1 but got'],
  ['POST', '/allocations', `{"${C1}":${alloc('1', n)}}`, 'consumer generation conflict - expected 1 but got'],
  ['PUT', `/allocations/${C2}`, alloc('1', n), 'consumer generation conflict - expected null but got'],
  ['POST', '/reshaper', `{"inventories":{"${RP}":{"resource_provider_generation":${n},` +
    `"inventories":{"VCPU":{"total":8}}}},"allocations":{}}`, `resource provider generation conflict for provider ${RP}`],
];

describe('a generation past 2**53 is a conflict, not a bad request', () => {
  for (const n of BIG) {
    for (const [method, path, body, detail] of generationCases(n)) {
      it(`${method} ${path.replace(RP, 'RP')} with ${n.slice(0, 12)}…: 409`, async () => {
        const { app, state } = await seeded();
        const before = state();
        const res = await call(app, path, { method, version: V, body });
        expect(res.status).toBe(409);
        expect(res.json.errors[0].code).toBe('placement.concurrent_update');
        expect(res.json.errors[0].detail).toContain(detail);
        expect(state()).toBe(before);
      });
    }
  }

  it('echoes a large generation with every digit, as Python prints it', async () => {
    const { app } = await seeded();
    const res = await call(app, `/allocations/${C1}`, { method: 'PUT', version: V, body: alloc('1', '9223372036854775808') });
    expect(res.json.errors[0].detail).toContain('expected 1 but got 9223372036854775808');
    // A float literal that large passes as an integer upstream too, echoed as Python's repr.
    const float = await call(app, `/allocations/${C1}`, { method: 'PUT', version: V, body: alloc('1', '1e300') });
    expect(float.status).toBe(409);
    expect(float.json.errors[0].detail).toContain('expected 1 but got 1e+300');
  });
});

describe('an amount past 2**53 violates max_unit', () => {
  for (const n of ['9007199254740992', '9223372036854775808']) {
    it(`PUT /allocations with ${n}: 409, nothing written`, async () => {
      const { app, state } = await seeded();
      const before = state();
      const res = await call(app, `/allocations/${C2}`, { method: 'PUT', version: V, body: alloc(n, 'null') });
      expect(res.status).toBe(409);
      expect(res.json.errors[0].detail).toContain('violate inventory constraints');
      expect(state()).toBe(before);
    });
  }

  it('a fractional amount or generation is still a 400', async () => {
    const { app } = await seeded();
    const res = await call(app, `/allocations/${C1}`, { method: 'PUT', version: V, body: alloc('1', '1.5') });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].detail).toContain("1.5 is not of type 'integer', 'null'");
    expect(res.json.errors[0].detail).toContain("{'additionalProperties': False, 'type': ['integer', 'null']}");
    const amount = await call(app, `/allocations/${C1}`, { method: 'PUT', version: V, body: alloc('1.5', '1') });
    expect(amount.status).toBe(400);
    expect(amount.json.errors[0].detail).toContain("1.5 is not of type 'integer'");
  });
});

describe('inventory fields keep their schema maximum', () => {
  it('a total of 2**53 is a 400 naming the maximum', async () => {
    const { app, state } = await seeded();
    const before = state();
    const res = await call(app, `/resource_providers/${RP}/inventories`, { method: 'PUT', version: V,
      body: '{"resource_provider_generation":2,"inventories":{"VCPU":{"total":9007199254740992}}}' });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].detail).toContain('is greater than the maximum of 2147483647');
    expect(state()).toBe(before);
  });
});
