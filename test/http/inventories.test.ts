import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { createLedger } from '../../src/domain/state.ts';
import { loadStandards } from '../../src/data/standards.ts';
import { LocalWriter } from '../../src/writer/local-writer.ts';

const RP = '7260669a-e3d4-4867-aaa7-683e2ab6958c';

async function setup() {
  const ledger = createLedger(loadStandards());
  const writer = new LocalWriter(ledger);
  const app = createApp({ ledger: () => ledger, writer });
  await writer.submit({ type: 'CreateResourceProvider', uuid: RP, name: 'rp', parentUuid: null },
    { requestId: 'req-test', commandId: 'create-rp' });
  const call = async (method: string, path: string, body?: unknown, version = '1.0') => {
    const res = await app.request(path, {
      method,
      headers: { 'x-auth-token': 'admin', 'openstack-api-version': `placement ${version}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
  };
  return { ledger, call };
}

const inventories = `/resource_providers/${RP}/inventories`;

describe('inventories', () => {
  it('creates one with defaults, 201 and a location; allocation_ratio is a float', async () => {
    const { call } = await setup();
    const r = await call('POST', inventories, { resource_class: 'DISK_GB', total: 2048 });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`http://localhost${inventories}/DISK_GB`);
    expect(r.json).toEqual({ total: 2048, reserved: 0, min_unit: 1, max_unit: 2147483647, step_size: 1,
      allocation_ratio: 1, resource_provider_generation: 1 });
    expect(r.text).toContain('"allocation_ratio": 1.0');
  });

  it('refuses a second inventory of a class with 409 update conflict', async () => {
    const { call } = await setup();
    await call('POST', inventories, { resource_class: 'DISK_GB', total: 2048 });
    const r = await call('POST', inventories, { resource_class: 'DISK_GB', total: 2048 }, '1.23');
    expect(r.status).toBe(409);
    expect(r.json.errors[0].detail).toContain('Update conflict');
    expect(r.json.errors[0].code).toBe('placement.concurrent_update');
  });

  it('validates as jsonschema words it', async () => {
    const { call } = await setup();
    const r = await call('POST', inventories, { resource_class: 'DISK_GB', total: 0 });
    expect(r.status).toBe(400);
    expect(r.json.errors[0].detail).toContain('JSON does not validate: 0 is less than the minimum of 1');
    expect(r.json.errors[0].detail).toContain("Failed validating 'minimum' in schema['properties']['total']");
    const missing = await call('POST', inventories, { resource_class: 'DISK_GB' });
    expect(missing.json.errors[0].detail).toContain("'total' is a required property");
    // PUT of one inventory, as upstream's schema orders 'required': total first.
    const empty = await call('PUT', `${inventories}/DISK_GB`, {});
    expect(empty.json.errors[0].detail).toContain("'total' is a required property");
    expect(empty.json.errors[0].detail).toContain("'required': ['total', 'resource_provider_generation']");
    const big = await call('POST', inventories, { resource_class: 'DISK_GB', total: 2147483648 });
    expect(big.json.errors[0].detail).toContain("Failed validating 'maximum'");
    const malformed = await call('POST', inventories, '{"foo": }');
    expect(malformed.json.errors[0].detail).toContain('Malformed JSON');
  });

  it('puts all inventories, checks the generation and shows them', async () => {
    const { call } = await setup();
    const r = await call('PUT', inventories, { resource_provider_generation: 0,
      inventories: { IPV4_ADDRESS: { total: 253 }, DISK_GB: { total: 1024 } } }, '1.15');
    expect(r.status).toBe(200);
    expect(r.json.resource_provider_generation).toBe(1);
    expect(r.json.inventories.IPV4_ADDRESS.reserved).toBe(0);
    expect(r.headers.get('cache-control')).toBe('no-cache');
    expect(r.headers.get('last-modified')).toMatch(/^\w+, \d+ \w+ \d{4} [\d:]+ GMT$/);
    const stale = await call('PUT', inventories, { resource_provider_generation: 0, inventories: {} }, '1.23');
    expect(stale.status).toBe(409);
    expect(stale.json.errors[0].code).toBe('placement.concurrent_update');
    const got = await call('GET', `${inventories}/DISK_GB`);
    expect(got.json).toMatchObject({ total: 1024, resource_provider_generation: 1 });
    expect(got.headers.get('cache-control')).toBeNull();
  });

  it('lets reserved equal total only from 1.26', async () => {
    const { call } = await setup();
    const body = { resource_provider_generation: 0, inventories: { VCPU: { total: 4, reserved: 4 } } };
    const old = await call('PUT', inventories, body, '1.25');
    expect(old.status).toBe(400);
    expect(old.json.errors[0].detail).toContain('greater than or equal to total');
    expect((await call('PUT', inventories, body, '1.26')).status).toBe(200);
  });

  it('updates and deletes one inventory', async () => {
    const { call } = await setup();
    await call('POST', inventories, { resource_class: 'DISK_GB', total: 2048 });
    const up = await call('PUT', `${inventories}/DISK_GB`, { resource_provider_generation: 1, total: 4096 });
    expect(up.json).toMatchObject({ total: 4096, resource_provider_generation: 2 });
    const none = await call('PUT', `${inventories}/VCPU`, { resource_provider_generation: 2, total: 1 });
    expect(none.status).toBe(400);
    expect(none.json.errors[0].detail).toContain('No inventory record with resource class');
    const del = await call('DELETE', `${inventories}/DISK_GB`);
    expect(del.status).toBe(204);
    expect(del.headers.get('content-type')).toBeNull();
    const again = await call('DELETE', `${inventories}/DISK_GB`);
    expect(again.status).toBe(404);
    expect(again.json.errors[0].detail).toContain('No inventory of class DISK_GB found for delete');
  });

  it('deletes all inventories from 1.5 only', async () => {
    const { call } = await setup();
    expect((await call('DELETE', inventories, undefined, '1.4')).status).toBe(405);
    expect((await call('DELETE', inventories, undefined, '1.5')).status).toBe(204);
    expect((await call('GET', inventories)).json).toEqual({ resource_provider_generation: 1, inventories: {} });
  });

  it('refuses to drop inventory in use, naming classes in class-id order', async () => {
    const { call } = await setup();
    await call('POST', inventories, { resource_class: 'DISK_GB', total: 2048 });
    await call('POST', inventories, { resource_class: 'VCPU', total: 8 });
    await call('PUT', '/allocations/599ffd2d-526a-4b2e-8683-f13ad25f9958',
      { allocations: [{ resource_provider: { uuid: RP }, resources: { DISK_GB: 10, VCPU: 1 } }] });
    const r = await call('DELETE', inventories, undefined, '1.23');
    expect(r.status).toBe(409);
    expect(r.json.errors[0].code).toBe('placement.inventory.inuse');
    expect(r.json.errors[0].detail).toContain(`Inventory for 'VCPU, DISK_GB' on resource provider '${RP}' in use`);
    const put = await call('PUT', inventories, { resource_provider_generation: 3, inventories: {} }, '1.23');
    expect(put.json.errors[0].code).toBe('placement.inventory.inuse');
  });

  it('answers 404 for a missing provider', async () => {
    const { call } = await setup();
    const r = await call('GET', '/resource_providers/2e1dda56-8b18-4fb9-8c5c-3125891b7143/inventories');
    expect(r.status).toBe(404);
    expect(r.json.errors[0].detail).toContain('No resource provider with uuid 2e1dda56-8b18-4fb9-8c5c-3125891b7143 found');
    const missing = await call('GET', `${inventories}/HOUSE`);
    expect(missing.json.errors[0].detail).toContain(`No inventory of class HOUSE for ${RP}`);
  });
});
