import { describe, expect, it } from 'vitest';
import { call, makeApp, type App } from './harness.ts';

const CN = '2290d4af-9e6e-400b-9d65-1ee01376f71a';
const NUMA = 'fd0dd55c-6330-463b-876c-31c54e95cb95';

async function world(): Promise<App> {
  const { app } = makeApp();
  await call(app, '/resource_providers', { method: 'POST', version: '1.14', body: { name: 'cn', uuid: CN } });
  await call(app, '/resource_providers', { method: 'POST', version: '1.14',
    body: { name: 'numa', uuid: NUMA, parent_provider_uuid: CN } });
  const inventory = (total: number) => ({ total, reserved: 0, min_unit: 1, max_unit: total, step_size: 1,
    allocation_ratio: 1 });
  await call(app, `/resource_providers/${CN}/inventories`, { method: 'PUT',
    body: { resource_provider_generation: 0, inventories: { MEMORY_MB: inventory(2048) } } });
  await call(app, `/resource_providers/${NUMA}/inventories`, { method: 'PUT',
    body: { resource_provider_generation: 0, inventories: { VCPU: inventory(4) } } });
  return app;
}

const get = (app: App, query: string, version = '1.39') => call(app, `/allocation_candidates?${query}`, { version });

describe('GET /allocation_candidates', () => {
  it('is not there before 1.10', async () => {
    expect((await get(await world(), 'resources=VCPU:1', '1.9')).status).toBe(404);
  });

  it('shows nested candidates from 1.29 with mappings from 1.34', async () => {
    const app = await world();
    const r = await get(app, 'resources=VCPU:1,MEMORY_MB:512');
    expect(r.status).toBe(200);
    expect(r.json.allocation_requests).toEqual([{
      allocations: { [NUMA]: { resources: { VCPU: 1 } }, [CN]: { resources: { MEMORY_MB: 512 } } },
      mappings: { '': [NUMA, CN] },
    }]);
    expect(r.json.provider_summaries[NUMA]).toEqual({ resources: { VCPU: { capacity: 4, used: 0 } }, traits: [],
      parent_provider_uuid: CN, root_provider_uuid: CN });
    expect(r.headers.get('cache-control')).toBe('no-cache');
    expect((await get(app, 'resources=VCPU:1,MEMORY_MB:512', '1.28')).json.allocation_requests).toEqual([]);
  });

  it('shows a list of allocations before 1.12', async () => {
    const r = await get(await world(), 'resources=MEMORY_MB:512', '1.10');
    expect(r.json).toEqual({
      allocation_requests: [{ allocations: [{ resource_provider: { uuid: CN }, resources: { MEMORY_MB: 512 } }] }],
      provider_summaries: { [CN]: { resources: { MEMORY_MB: { capacity: 2048, used: 0 } } } },
    });
  });

  it('answers upstream\'s 400s with their codes', async () => {
    const app = await world();
    expect((await get(app, '', '1.10')).text).toContain("'resources' is a required property");
    expect((await get(app, 'resources=VCPU:1&limit=0', '1.16')).text).toContain("Failed validating 'pattern'");
    expect((await get(app, 'resources01=VCPU:1', '1.25')).text).toContain("'resources01' does not match any of the regexes");
    expect((await get(app, 'resources1=VCPU:1&resources2=VCPU:1', '1.25')).json.errors[0].detail)
      .toContain('The "group_policy" parameter is required');
    expect((await get(app, 'resources=CUSTOM_NOPE:1')).text).toContain('No such resource class CUSTOM_NOPE');
    expect((await get(app, 'resources=VCPU:1&required=CUSTOM_NOPE')).text).toContain('No such trait(s): CUSTOM_NOPE');
    const dup = await get(app, 'resources=VCPU:1&root_required=A&root_required=B');
    expect(dup.json.errors[0].code).toBe('placement.query.duplicate_key');
    const resourceless = await get(app, 'resources=VCPU:1&required1=HW_CPU_X86_AVX2');
    expect(resourceless.json.errors[0].code).toBe('placement.query.bad_value');
    expect((await get(app, 'required1=HW_CPU_X86_AVX2&same_subtree=1')).json.errors[0].code)
      .toBe('placement.query.missing_value');
  });

  it('checks orphans before 1.36 and same_subtree suffixes from 1.36', async () => {
    const app = await world();
    expect((await get(app, 'resources=VCPU:1&required1=HW_CPU_X86_AVX2', '1.35')).json.errors[0].detail)
      .toContain('Found the following orphaned traits keys: required1');
    expect((await get(app, 'resources=VCPU:1&same_subtree=_X', '1.36')).json.errors[0].detail)
      .toContain("Real suffixes should be specified in `same_subtree`: ['_X'] not found in ['']");
    expect((await get(app, 'resources=VCPU:1&same_subtree=_X,', '1.36')).json.errors[0].detail)
      .toContain('Empty string (unsuffixed group) can not be specified in `same_subtree`');
  });

  it('isolates granular groups and sums amounts on a shared provider otherwise', async () => {
    const app = await world();
    const q = 'resources_A=VCPU:1&resources_B=VCPU:1&group_policy=';
    const none = await get(app, `${q}none`);
    expect(none.json.allocation_requests).toEqual([{ allocations: { [NUMA]: { resources: { VCPU: 2 } } },
      mappings: { _A: [NUMA], _B: [NUMA] } }]);
    expect((await get(app, `${q}isolate`)).json.allocation_requests).toEqual([]);
    expect((await get(app, `${q}bogus`)).text).toContain("'bogus' is not one of ['none', 'isolate']");
  });
});
