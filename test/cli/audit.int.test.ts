import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { startNatsClient, type NatsServerHandle } from '../support/nats-server.ts';
import { ensureStreams } from '../../src/log/streams.ts';
import { NatsWriter } from '../../src/writer/nats-writer.ts';
import { NatsCommandClient } from '../../src/commands/nats-client.ts';
import { createLedger } from '../../src/domain/state.ts';
import { loadStandards } from '../../src/data/standards.ts';
import { main as audit } from '../../src/cli/audit.ts';
import { appendBatch } from '../../src/log/append.ts';

let server: NatsServerHandle;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const inv = (total: number) => ({ total, reserved: 0, min_unit: 1, max_unit: total, step_size: 1, allocation_ratio: 1 });

beforeAll(async () => {
  ({ server, nc, js, jsm } = await startNatsClient());
  await ensureStreams(jsm);
  process.env.NATS_URL = server.url;
});

afterAll(async () => {
  delete process.env.NATS_URL;
  await nc?.close();
  await server?.stop();
});

async function capture(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => { out.push(a.join(' ')); });
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => { err.push(a.join(' ')); });
  try {
    return { code: await audit(argv), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('audit', () => {
  const rp = randomUUID();
  const consumer = randomUUID();

  it('shows the history of a provider and a consumer, with request and command ids', async () => {
    const w = new NatsWriter(nc, js, jsm, { createLedger: () => createLedger(loadStandards()) });
    await w.start();
    const client = new NatsCommandClient(nc);
    const send = (command: Parameters<NatsCommandClient["submit"]>[0], id: string = randomUUID()) =>
      client.submit(command, { commandId: id, requestId: `req-${id}` });
    expect((await send({ type: 'CreateResourceProvider', uuid: rp, name: 'audited', parentUuid: null })).ok).toBe(true);
    expect((await send({ type: 'ChangeInventories', uuid: rp, generation: 0, reservedMayEqualTotal: true,
      change: { kind: 'replace', inventories: { VCPU: inv(4) } } })).ok).toBe(true);
    expect((await send({ type: 'ReplaceAllocations', via: 'put', consumers: [{ consumerUuid: consumer, projectId: 'p', userId: 'u',
      allocations: { [rp]: { VCPU: 3 } } }] }, 'cmd-claim')).ok).toBe(true);
    await w.stop();
    client.close();

    const h = await capture(['history', '--provider', rp, '--json']);
    expect(h.code).toBe(0);
    const rows = h.out.map((l) => JSON.parse(l) as { event: { type: string }; requestId: string; commandId: string });
    expect(rows.map((r) => r.event.type)).toEqual(['ResourceProviderCreated', 'InventoriesReplaced', 'AllocationsReplaced']);
    expect(rows[2]).toMatchObject({ commandId: 'cmd-claim', requestId: 'req-cmd-claim' });
    const c = await capture(['history', '--consumer', consumer]);
    expect(c.out.join('\n')).toContain('cmd-claim');
  });

  it('prints the state as of an earlier sequence', async () => {
    const s = await capture(['state', '--at', '2']);
    const state = JSON.parse(s.out.join('\n')) as { providers: Array<{ uuid: string; inventories: object }> };
    expect(state.providers.map((p) => p.uuid)).toEqual([rp]);
    expect(state.providers[0]!.inventories).toEqual({});
    const d = await capture(['state', '--at', '2', '--diff']);
    expect(d.out.some((l) => l.includes('inventories.VCPU'))).toBe(true);
  });

  it('refuses options it cannot read instead of guessing', async () => {
    for (const at of ['-1', '1.5', '+5', '', 'yesterday']) {
      const r = await capture(['state', '--at', at]);
      expect(r.code, at).toBe(2);
      expect(r.err.join(''), at).toMatch(/--at (needs|must be) a sequence number or an ISO time/);
    }
    expect((await capture(['state', '--at'])).code).toBe(2);
    const h = await capture(['history', '--provider', '--json']);
    expect(h.code).toBe(2);
    expect(h.err.join('')).toContain('audit history needs --provider UUID');
    expect((await capture(['state', '--at', '2026-12-04T00:00:00Z'])).code).toBe(0);
  });

  it('verifies a clean log and finds the first violation in a tampered one', async () => {
    const ok = await capture(['verify']);
    expect(ok.code).toBe(0);
    expect(ok.out.join('')).toContain('verify: ok');
    const last = (await jsm.streams.info('PLACEMENT_LOG')).state.last_seq;
    // An intruder appends an over-capacity allocation straight onto the log.
    await appendBatch(js, { v: 1, epoch: 99, records: [{ commandId: 'intruder', requestId: '', at: new Date().toISOString(),
      events: [{ type: 'AllocationsReplaced', providerGenerations: {}, consumers: [{ uuid: randomUUID(), projectId: 'p', userId: 'u',
        consumerType: null, generation: 1, allocations: { [rp]: { VCPU: 2 } } }] }] }] },
    { expectedLastSeq: last, msgId: 'intruder', timeoutMs: 5000 });
    const bad = await capture(['verify']);
    expect(bad.code).toBe(1);
    expect(bad.err.join('')).toMatch(/command intruder .*over capacity: 5 > 4/);
  });

  it('verify fails on a message that is not a batch (replay skips it; something else writes on the log)', async () => {
    const { LOG_STREAM, LOG_SUBJECT } = await import('../../src/log/streams.ts');
    await jsm.streams.delete(LOG_STREAM); // a fresh log (it denies purges)
    await ensureStreams(jsm);
    expect((await capture(['verify'])).code).toBe(0);
    const { seq } = await js.publish(LOG_SUBJECT, new TextEncoder().encode('{"v":2,"epoch":1,"strings":[],"ops":[7],"events":[],"refused":[]}'));
    const bad = await capture(['verify']);
    expect(bad.code).toBe(1);
    expect(bad.err.join('')).toContain(`verify: FAILED: seq ${seq}: not a batch this service writes`);
  });
});

describe('audit connection', () => {
  it('refuses a DATA_DIR that does not exist instead of starting a server on a new empty one', async () => {
    const { connectToLog } = await import('../../src/cli/connect.ts');
    const { existsSync } = await import('node:fs');
    const dir = `/tmp/placement-no-such-dir-${randomUUID()}`;
    await expect(connectToLog({ DATA_DIR: dir })).rejects.toThrow(/no data folder .* set DATA_DIR \(or NATS_URL\)/);
    expect(existsSync(dir)).toBe(false);
  });
});
