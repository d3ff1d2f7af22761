import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { createLedger } from '../../src/domain/state.ts';
import { loadStandards } from '../../src/data/standards.ts';
import { LocalWriter } from '../../src/writer/local-writer.ts';
import { call } from './harness.ts';

describe('while the service starts', () => {
  it('answers every request 503 in Placement error format, writes nothing, then serves', async () => {
    const ledger = createLedger(loadStandards());
    const writer = new LocalWriter(ledger);
    let ready = false;
    const app = createApp({ ledger: () => ledger, writer, starting: () => (ready ? null : 'still rebuilding') });
    for (const [method, path, body] of [['GET', '/'], ['GET', '/resource_providers'],
      ['POST', '/resource_providers', { name: 'early' }]] as const) {
      const r = await call(app, path, { method, body, version: '1.39' });
      expect(r.status, `${method} ${path}`).toBe(503);
      expect(r.json).toMatchObject({ errors: [{ status: 503, title: 'Service Unavailable', code: 'placement.undefined_code' }] });
      expect(JSON.stringify(r.json)).toContain('still rebuilding');
      expect(r.headers.get('x-openstack-request-id')).toMatch(/^req-/);
    }
    expect(ledger.providers.size).toBe(0);
    ready = true;
    expect((await call(app, '/')).status).toBe(200);
    expect((await call(app, '/resource_providers', { method: 'POST', body: { name: 'later' }, version: '1.39' })).status).toBe(200);
    expect(ledger.providers.size).toBe(1);
  });
});
