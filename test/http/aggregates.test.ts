import { describe, expect, it } from 'vitest';
import { call, makeApp } from './harness.ts';

const RP = '2b1c4d5e-6f70-4a1b-9c2d-3e4f5a6b7c8d';
const AGG1 = 'f918801a-5e54-4bee-9095-09a9d0c786b8';
const AGG2 = 'a893eb5c-e2a0-4251-ab26-f71d3b0cfc0b';
const path = `/resource_providers/${RP}/aggregates`;

async function withProvider() {
  const { app, ledger } = makeApp();
  await call(app, '/resource_providers', { method: 'POST', version: '1.20', body: { name: 'rp', uuid: RP } });
  return { app, ledger };
}

describe('/resource_providers/{uuid}/aggregates', () => {
  it('takes a bare list up to 1.18 and leaves the generation alone', async () => {
    const { app, ledger } = await withProvider();
    const r = await call(app, path, { method: 'PUT', version: '1.18', body: [AGG1, AGG2] });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ aggregates: [AGG1, AGG2] });
    expect(ledger.providers.get(RP)!.generation).toBe(0);
    expect(ledger.providersByAggregate.get(AGG1)).toEqual(new Set([RP]));
    const got = await call(app, path, { version: '1.1' });
    expect(got.json).toEqual({ aggregates: [AGG1, AGG2] });
    expect(got.headers.get('cache-control')).toBeNull();
  });

  it('from 1.19 shows the generation, checks it and bumps it', async () => {
    const { app } = await withProvider();
    const r = await call(app, path, { method: 'PUT', version: '1.19',
      body: { aggregates: [AGG1, AGG2], resource_provider_generation: 0 } });
    expect(r.json).toEqual({ aggregates: [AGG1, AGG2], resource_provider_generation: 1 });
    expect(r.headers.get('cache-control')).toBe('no-cache');
    expect(r.headers.get('last-modified')).toMatch(/GMT$/);
    const stale = await call(app, path, { method: 'PUT', version: '1.23',
      body: { aggregates: [], resource_provider_generation: 0 } });
    expect(stale.status).toBe(409);
    expect(stale.json.errors[0].code).toBe('placement.concurrent_update');
    const cleared = await call(app, path, { method: 'PUT', version: '1.19',
      body: { aggregates: [], resource_provider_generation: 1 } });
    expect(cleared.json).toEqual({ aggregates: [], resource_provider_generation: 2 });
  });

  it('refuses the other version\'s body, non-uuids and duplicates', async () => {
    const { app } = await withProvider();
    const oldBody = await call(app, path, { method: 'PUT', version: '1.19', body: [AGG1] });
    expect(oldBody.status).toBe(400);
    expect(oldBody.json.errors[0].detail).toContain('JSON does not validate');
    const newBody = await call(app, path, { method: 'PUT', version: '1.18',
      body: { aggregates: [AGG1], resource_provider_generation: 0 } });
    expect(newBody.status).toBe(400);
    const notUuid = await call(app, path, { method: 'PUT', version: '1.19',
      body: { aggregates: ['harry', 'sally'], resource_provider_generation: 0 } });
    expect(notUuid.json.errors[0].detail).toContain("'harry' is not a 'uuid'");
    const twice = await call(app, path, { method: 'PUT', version: '1.19',
      body: { aggregates: [AGG1, AGG1], resource_provider_generation: 0 } });
    expect(twice.json.errors[0].detail).toContain(`['${AGG1}', '${AGG1}'] has non-unique elements`);
    const malformed = await call(app, path, { method: 'PUT', version: '1.19', body: '{"bad", "not json"}' });
    expect(malformed.json.errors[0].detail).toContain('Malformed JSON');
  });

  it('is absent at 1.0 and 404s an unknown provider', async () => {
    const { app } = await withProvider();
    expect((await call(app, path, { version: '1.0' })).status).toBe(404);
    const other = '/resource_providers/6984bb2d-830d-4c8d-ac64-c5a8103664be/aggregates';
    expect((await call(app, other, { version: '1.19' })).status).toBe(404);
    const put = await call(app, other, { method: 'PUT', version: '1.19', body: [] });
    expect(put.status).toBe(404);
    expect(put.json.errors[0].title).toBe('Not Found');
  });
});
