import { describe, expect, it } from 'vitest';
import { makeApp } from './harness.ts';

const RP = 'fae14fa3-4b43-498c-a33c-4a1d00edb577';
const PROJECT = 'p1';

async function setup() {
  const { app, writer } = makeApp();
  let n = 0;
  const submit = (cmd: Parameters<typeof writer.submit>[0]) =>
    writer.submit(cmd, { requestId: 'req-test', commandId: `cmd-${++n}` });
  await submit({ type: 'CreateResourceProvider', uuid: RP, name: 'rp', parentUuid: null });
  const inv = (total: number) => ({ total, reserved: 0, min_unit: 1, max_unit: total, step_size: 1,
    allocation_ratio: 1 });
  await submit({ type: 'ChangeInventories', uuid: RP, generation: 0, reservedMayEqualTotal: false,
    change: { kind: 'replace', inventories: { VCPU: inv(8), DISK_GB: inv(100), MEMORY_MB: inv(1024) } } });
  const claim = (consumerUuid: string, userId: string, consumerType: string | undefined,
    resources: Record<string, number>) => submit({ type: 'ReplaceAllocations', via: 'put', consumers: [{
    consumerUuid, projectId: PROJECT, userId, ...(consumerType ? { consumerType } : {}),
    allocations: { [RP]: resources } }] });
  await claim('11111111-1111-1111-1111-111111111111', 'u1', undefined, { VCPU: 1, DISK_GB: 10 });
  await claim('22222222-2222-2222-2222-222222222222', 'u2', 'INSTANCE', { VCPU: 2 });
  await claim('33333333-3333-3333-3333-333333333333', 'u2', 'INSTANCE', { VCPU: 3, DISK_GB: 5 });
  const call = async (path: string, version = '1.0') => {
    const res = await app.request(path, {
      headers: { 'x-auth-token': 'admin', 'openstack-api-version': `placement ${version}` },
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  };
  return { call };
}

describe('usages', () => {
  it('shows a provider’s usage for every inventory class', async () => {
    const { call } = await setup();
    const r = await call(`/resource_providers/${RP}/usages`);
    expect(r.json).toEqual({ resource_provider_generation: 4, usages: { VCPU: 6, DISK_GB: 15, MEMORY_MB: 0 } });
    expect(r.headers.get('cache-control')).toBeNull();
    expect((await call(`/resource_providers/${RP}/usages`, '1.15')).headers.get('cache-control')).toBe('no-cache');
    const missing = await call('/resource_providers/2e1dda56-8b18-4fb9-8c5c-3125891b7143/usages');
    expect(missing.status).toBe(404);
  });

  it('sums a project’s or a user’s usages from 1.9', async () => {
    const { call } = await setup();
    expect((await call(`/usages?project_id=${PROJECT}`, '1.8')).status).toBe(404);
    expect((await call(`/usages?project_id=${PROJECT}`, '1.9')).json).toEqual({ usages: { VCPU: 6, DISK_GB: 15 } });
    expect((await call(`/usages?project_id=${PROJECT}&user_id=u2`, '1.9')).json)
      .toEqual({ usages: { VCPU: 5, DISK_GB: 5 } });
    expect((await call('/usages?project_id=nobody', '1.9')).json).toEqual({ usages: {} });
  });

  it('validates the query string', async () => {
    const { call } = await setup();
    expect((await call('/usages', '1.9')).status).toBe(400);
    const short = await call('/usages?project_id=', '1.9');
    expect(short.json.errors[0].detail).toContain("Failed validating 'minLength'");
    const extra = await call(`/usages?project_id=${PROJECT}&dummy=1`, '1.9');
    expect(extra.json.errors[0].detail).toContain('Additional properties are not allowed');
    expect((await call(`/usages?project_id=${PROJECT}&consumer_type=x`, '1.38')).status).toBe(400);
  });

  it('groups by consumer type from 1.38', async () => {
    const { call } = await setup();
    expect((await call(`/usages?project_id=${PROJECT}`, '1.38')).json).toEqual({ usages: {
      unknown: { VCPU: 1, DISK_GB: 10, consumer_count: 1 },
      INSTANCE: { VCPU: 5, DISK_GB: 5, consumer_count: 2 } } });
    expect((await call(`/usages?project_id=${PROJECT}&consumer_type=all`, '1.38')).json)
      .toEqual({ usages: { all: { VCPU: 6, DISK_GB: 15, consumer_count: 3 } } });
    expect((await call(`/usages?project_id=${PROJECT}&consumer_type=unknown`, '1.38')).json)
      .toEqual({ usages: { unknown: { VCPU: 1, DISK_GB: 10, consumer_count: 1 } } });
    expect((await call(`/usages?project_id=${PROJECT}&consumer_type=INSTANCE&user_id=u2`, '1.38')).json)
      .toEqual({ usages: { INSTANCE: { VCPU: 5, DISK_GB: 5, consumer_count: 2 } } });
    expect((await call(`/usages?project_id=${PROJECT}&consumer_type=ALL`, '1.38')).json).toEqual({ usages: {} });
  });
});
