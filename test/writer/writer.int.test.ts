import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { serialize } from 'node:v8';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { startNatsClient, type NatsServerHandle } from '../support/nats-server.ts';
import { ensureStreams } from '../../src/log/streams.ts';
import { NatsWriter } from '../../src/writer/nats-writer.ts';
import { NatsCommandClient } from '../../src/commands/nats-client.ts';
import { createLedger } from '../../src/domain/state.ts';
import { loadStandards } from '../../src/data/standards.ts';
import { dumpLedger, ledgerState } from '../../src/domain/snapshot.ts';
import { replayLog } from '../../src/log/replay.ts';
import { appendBatch } from '../../src/log/append.ts';
import type { Command } from '../../src/domain/commands.ts';
import { SnapshotStore } from '../../src/log/snapshots.ts';
import { WriterLoop } from '../../src/writer/writer-loop.ts';
import { JetStreamEventLog, logIdentity } from '../../src/log/event-log.ts';
import { Objm } from '@nats-io/obj';
import type { CommandResult } from '../../src/commands/writer-port.ts';

let server: NatsServerHandle;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const standards = loadStandards();
const newWriter = (opts = {}) => new NatsWriter(nc, js, jsm, { createLedger: () => createLedger(standards), ...opts });
const inv = (total: number) => ({ total, reserved: 0, min_unit: 1, max_unit: total, step_size: 1, allocation_ratio: 1 });

async function fresh(): Promise<void> {
  for (const s of ['PLACEMENT_LOG', 'PLACEMENT_CMD']) await jsm.streams.delete(s).catch(() => {});
  // The server may still be tearing a deleted stream down: retry briefly.
  for (let i = 0; ; i++) {
    try {
      return await ensureStreams(jsm);
    } catch (err) {
      if (i >= 20) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function send(client: NatsCommandClient, command: Command, commandId = randomUUID()): Promise<CommandResult> {
  return client.submit(command, { commandId, requestId: `req-${commandId}` });
}

async function provider(client: NatsCommandClient, vcpu: number): Promise<string> {
  const uuid = randomUUID();
  expect((await send(client, { type: 'CreateResourceProvider', uuid, name: `rp-${uuid}`, parentUuid: null })).ok).toBe(true);
  const r = await send(client, {
    type: 'ChangeInventories', uuid, generation: 0, reservedMayEqualTotal: true,
    change: { kind: 'replace', inventories: { VCPU: inv(vcpu) } },
  });
  expect(r.ok).toBe(true);
  return uuid;
}

const claim = (rp: string, vcpu: number, consumer = randomUUID()): Command => ({
  type: 'ReplaceAllocations', via: 'put',
  consumers: [{ consumerUuid: consumer, projectId: 'p', userId: 'u', allocations: { [rp]: { VCPU: vcpu } } }],
});

beforeAll(async () => {
  ({ server, nc, js, jsm } = await startNatsClient());
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe('single writer on JetStream', () => {
  it('replays to the same state after a restart', async () => {
    await fresh();
    const w1 = newWriter();
    await w1.start();
    const client = new NatsCommandClient(nc);
    const rp = await provider(client, 8);
    expect((await send(client, claim(rp, 3))).ok).toBe(true);
    const before = ledgerState(w1.ledger());
    await w1.stop();
    const w2 = newWriter();
    await w2.start();
    expect(ledgerState(w2.ledger())).toEqual(before);
    expect(w2.ledger().providers.get(rp)!.usages.get('VCPU')).toBe(3);
    await w2.stop();
    client.close();
  });

  it('publishes each durable event on the change feed of what it touched', async () => {
    await fresh();
    const w = newWriter();
    await w.start();
    const client = new NatsCommandClient(nc);
    const uuid = randomUUID();
    const sub = nc.subscribe(`placement.evt.rp.${uuid}`, { max: 1 });
    const got = (async () => { for await (const m of sub) return m.json<{ seq: number; event: { type: string } }>(); })();
    const r = await send(client, { type: 'CreateResourceProvider', uuid, name: `feed-${uuid}`, parentUuid: null });
    const msg = await got;
    expect(msg?.event.type).toBe('ResourceProviderCreated');
    expect(r.ok && msg?.seq).toBe(r.ok && r.seq);
    await w.stop();
    client.close();
  });

  it('starts from a snapshot plus the tail, and from the log alone when the snapshot is corrupt', async () => {
    await fresh();
    const snapshots = await SnapshotStore.open(nc);
    const logs: string[] = [];
    const w = newWriter({ snapshots, snapshotEveryEvents: 3, log: (m: string) => logs.push(m) });
    await w.start();
    const client = new NatsCommandClient(nc);
    const rp = await provider(client, 8);
    for (let i = 0; i < 4; i++) expect((await send(client, claim(rp, 1))).ok).toBe(true);
    const before = ledgerState(w.ledger());
    await w.stop();
    expect(logs.some((l) => l.includes('snapshot at seq'))).toBe(true);
    const fromSnap: string[] = [];
    const w2 = newWriter({ snapshots, log: (m: string) => fromSnap.push(m) });
    await w2.start();
    expect(fromSnap.some((l) => /snapshot at seq \d+ \+ replayed/.test(l))).toBe(true);
    expect(ledgerState(w2.ledger())).toEqual(before);
    await w2.stop();
    const os = await new Objm(nc).open('PLACEMENT_SNAPSHOTS');
    await os.putBlob({ name: 'ledger' }, new TextEncoder().encode('{"log": "x", "ledger": {"v": 1, "provid'));
    const w3 = newWriter({ snapshots });
    await w3.start();
    expect(ledgerState(w3.ledger())).toEqual(before);
    await w3.stop();
    // A readable snapshot of another version (or of another log) is ignored too.
    const created = await logIdentity(jsm, (await jsm.streams.info('PLACEMENT_LOG')).state);
    await os.putBlob({ name: 'ledger' }, serialize({ log: created, ledger: { ...dumpLedger(w3.ledger()), v: 1 } }));
    const w4 = newWriter({ snapshots, log: (m: string) => fromSnap.push(m) });
    await w4.start();
    expect(ledgerState(w4.ledger())).toEqual(before);
    expect(fromSnap.filter((l) => /snapshot at seq \d+ \+ replayed/.test(l))).toHaveLength(1);
    await w4.stop();
    client.close();
  });

  it('replays a log of large batches (more than the connection may have pending at once)', async () => {
    await fresh();
    const records = Array.from({ length: 2000 }, (_, i) => ({
      commandId: `big-${i}`, requestId: `req-${'x'.repeat(200)}`, at: new Date().toISOString(),
      events: [{ type: 'TraitCreated' as const, name: `CUSTOM_T${i}` }],
    }));
    let seq = 0;
    for (let b = 0; b < 150; b++) {
      const batch = { v: 1 as const, epoch: 1, records: b === 0 ? records : records.map((r) => ({ ...r, commandId: `${r.commandId}-${b}`, events: [] })) };
      seq = await appendBatch(js, batch, { expectedLastSeq: seq, msgId: `big-${b}`, timeoutMs: 10_000 });
    }
    const w = newWriter();
    await w.start();
    expect(w.ledger().traits.has('CUSTOM_T1999')).toBe(true);
    expect(w.ledger().lastSeq).toBe(seq + 1);
    await w.stop();
  }, 60_000);

  it('never oversubscribes: 64 concurrent claimers race for the last units', async () => {
    await fresh();
    const w = newWriter();
    await w.start();
    const clients = Array.from({ length: 8 }, () => new NatsCommandClient(nc));
    const rp = await provider(clients[0]!, 10);
    const results = await Promise.all(Array.from({ length: 64 }, (_, i) => send(clients[i % 8]!, claim(rp, 1))));
    const ok = results.filter((r) => r.ok).length;
    const refused = results.filter((r) => !r.ok && r.rejection.kind === 'Conflict').length;
    console.log(`64 claimers, capacity 10: ${ok} accepted, ${refused} refused with 409`);
    expect(ok).toBe(10);
    expect(refused).toBe(54);
    expect(w.ledger().providers.get(rp)!.usages.get('VCPU')).toBe(10);
    await w.stop();
    const again = newWriter();
    await again.start();
    expect(again.ledger().providers.get(rp)!.usages.get('VCPU')).toBe(10);
    await again.stop();
    for (const c of clients) c.close();
  });

  it('applies a command retried with the same id only once', async () => {
    await fresh();
    const w = newWriter();
    await w.start();
    const client = new NatsCommandClient(nc);
    const rp = await provider(client, 10);
    const id = randomUUID();
    const consumer = randomUUID();
    const first = await send(client, claim(rp, 2, consumer), id);
    const second = await send(client, claim(rp, 2, consumer), id);
    expect(first.ok && second.ok).toBe(true);
    expect(second.ok && second.seq).toBe(first.ok && first.seq);
    expect(w.ledger().consumers.get(consumer)!.generation).toBe(1);
    await w.stop();
    client.close();
  });

  it('fences a second writer: the older one stops, no conflicting events land', async () => {
    await fresh();
    const a = newWriter();
    await a.start();
    const client = new NatsCommandClient(nc, { replyTimeoutMs: 5000 });
    const rp = await provider(client, 100);
    // A second writer replays and claims a newer epoch on the log (it takes no commands,
    // so the next command reaches a, whose view is now stale).
    const b = new WriterLoop(new JetStreamEventLog(js, jsm), { reply: () => {}, settled: () => {} },
      { createLedger: () => createLedger(standards) });
    await b.start();
    const refused = await send(client, claim(rp, 1));
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.rejection.kind).toBe('Unavailable');
    expect(a.fenced).toBe(true);
    const epochs: number[] = [];
    await replayLog(js, jsm, (batch) => epochs.push(batch.epoch));
    const bEpoch = b.ledger().epoch;
    expect(epochs.at(-1)).toBe(bEpoch); // nothing of a's after b's claim
    const c = newWriter();
    await c.start();
    expect(c.ledger().providers.get(rp)!.usages.get('VCPU') ?? 0).toBe(0);
    expect((await send(client, claim(rp, 1))).ok).toBe(true);
    await a.stop();
    await b.stop();
    await c.stop();
    client.close();
  });

  it('a multi-provider write survives a crash between append and reply, whole, and is applied once', async () => {
    await fresh();
    let crash = false;
    const a = newWriter({ afterAppend: async () => { if (crash) { await a.stop(); throw new Error('crash'); } } });
    await a.start();
    const client = new NatsCommandClient(nc, { replyTimeoutMs: 60_000 });
    const rp1 = await provider(client, 4);
    const rp2 = await provider(client, 4);
    const consumer = randomUUID();
    const both: Command = {
      type: 'ReplaceAllocations', via: 'post',
      consumers: [{ consumerUuid: consumer, projectId: 'p', userId: 'u', allocations: { [rp1]: { VCPU: 2 }, [rp2]: { VCPU: 3 } } }],
    };
    crash = true;
    const pending = send(client, both);
    await new Promise((r) => setTimeout(r, 500));
    // The writer died after the append; the command was never acked. A new writer takes over.
    const b = newWriter();
    await b.start();
    const l = b.ledger();
    expect(l.providers.get(rp1)!.usages.get('VCPU')).toBe(2);
    expect(l.providers.get(rp2)!.usages.get('VCPU')).toBe(3);
    // Redelivery (after ack_wait) reaches b, which recognises it and answers without re-applying.
    const res = await Promise.race([pending, new Promise<null>((r) => setTimeout(() => r(null), 45_000))]);
    expect(res && res.ok && res.duplicate).toBe(true);
    expect(b.ledger().consumers.get(consumer)!.generation).toBe(1);
    await b.stop();
    client.close();
  }, 60_000);

  it('takes a batch message from any publisher: each command answered on its own subject, a bad one refused alone', async () => {
    await fresh();
    const w = newWriter();
    await w.start();
    const inbox = `_INBOX.test-${randomUUID()}`;
    const replies = new Map<string, Record<string, unknown>>();
    const sub = nc.subscribe(`${inbox}.*`, {
      callback: (_e, m) => { replies.set(m.subject.slice(inbox.length + 1), m.json()); },
    });
    const uuid = randomUUID();
    const create = { type: 'CreateResourceProvider', uuid, name: `rp-${uuid}`, parentUuid: null };
    const entry = (n: string, command: unknown, commandId: string = n) =>
      ({ commandId, requestId: `req-${n}`, replyTo: `${inbox}.${n}`, deadline: Date.now() + 10_000, command });
    const body = { commands: [
      entry('a', create),
      entry('b', { type: 'CreateResourceProvider', uuid: 'not-a-uuid' }),
      entry('c', create, 'a'), // the same command id again: one effect
      entry('d', { ...create, uuid: randomUUID() }), // the same name: refused by the core
    ] };
    await js.publish('placement.cmd.batch', JSON.stringify(body));
    await js.publish('placement.cmd.batch', 'not json'); // nobody to answer; settled all the same
    for (let i = 0; i < 100 && replies.size < 4; i++) await new Promise((r) => setTimeout(r, 50));
    expect(replies.get('a')).toMatchObject({ ok: true });
    expect(replies.get('b')).toMatchObject({ ok: false, status: 400 });
    expect(replies.get('c')).toMatchObject({ ok: true, seq: replies.get('a')!.seq });
    expect(replies.get('d')).toMatchObject({ ok: false, status: 409, code: 'placement.duplicate_name' });
    expect([...w.ledger().providers.values()].filter((p) => p.name === `rp-${uuid}`)).toHaveLength(1);
    // Both messages settled by the cumulative ack: nothing left for a redelivery.
    let pending = -1;
    for (let i = 0; i < 50 && pending !== 0; i++) {
      const ci = await jsm.consumers.info('PLACEMENT_CMD', 'writer');
      pending = ci.num_ack_pending + ci.num_pending;
      if (pending !== 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(pending).toBe(0);
    sub.unsubscribe();
    await w.stop();
  });

  it('answers only on inboxes: a command naming another reply subject (the log, the JetStream API) is refused, not applied', async () => {
    await fresh();
    const logged: string[] = [];
    const w = newWriter({ log: (m: string) => logged.push(m) });
    await w.start();
    const before = (await jsm.streams.info('PLACEMENT_LOG')).state;
    const uuid = randomUUID();
    const create = { type: 'CreateResourceProvider', uuid, name: `rp-${uuid}`, parentUuid: null };
    const h = (replyTo: string, id: string = randomUUID()) => {
      const headers = natsHeaders();
      headers.set('Placement-Command-Id', id);
      headers.set('Placement-Reply-To', replyTo);
      return headers;
    };
    await js.publish('placement.cmd.CreateResourceProvider', JSON.stringify(create), { headers: h('placement.log') });
    await js.publish('placement.cmd.batch', JSON.stringify({ commands: [
      { commandId: randomUUID(), replyTo: '$JS.API.STREAM.PURGE.PLACEMENT_LOG', command: create },
      { commandId: randomUUID(), replyTo: '_INBOX.>', command: create },
    ] }));
    // A sender's command id that is the writer's own.
    const inbox = `_INBOX.test-${randomUUID()}`;
    const replies: Array<Record<string, unknown>> = [];
    const sub = nc.subscribe(inbox, { callback: (_e, m) => { replies.push(m.json()); } });
    await js.publish('placement.cmd.CreateResourceProvider', JSON.stringify(create), { headers: h(inbox, 'writer-epoch-2') });
    // A deadline it cannot read; a command of one type on another type's subject.
    const late = h(inbox);
    late.set('Placement-Deadline', 'abc');
    await js.publish('placement.cmd.CreateResourceProvider', JSON.stringify(create), { headers: late });
    await js.publish('placement.cmd.DeleteTrait', JSON.stringify(create), { headers: h(inbox) });
    for (let i = 0; i < 100 && (replies.length < 3 || logged.filter((l) => l.includes('refused command')).length < 6); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(logged.filter((l) => /refused command .*is not an inbox/.test(l))).toHaveLength(3);
    expect(replies).toHaveLength(3);
    for (const r of replies) expect(r).toMatchObject({ ok: false, status: 400 });
    expect(JSON.stringify(replies)).toContain('reserved');
    expect(JSON.stringify(replies)).toContain('Placement-Deadline must be a time in ms');
    expect(JSON.stringify(replies)).toContain('command sent on the subject of');
    const after = (await jsm.streams.info('PLACEMENT_LOG')).state;
    expect(after.first_seq).toBe(before.first_seq);
    // Nothing applied; refusals of unacceptable envelopes are not logged either.
    expect(after.last_seq).toBe(before.last_seq);
    expect(w.ledger().providers.has(uuid)).toBe(false);
    // The writer still works.
    const client = new NatsCommandClient(nc);
    expect((await send(client, create as Command)).ok).toBe(true);
    client.close();
    sub.unsubscribe();
    await w.stop();
  });

  it('a refusal is logged: redelivered to the next writer after a crash, it gets the same answer on a newer state', async () => {
    await fresh();
    let crash = false;
    const a = newWriter({ afterAppend: async () => { if (crash) { await a.stop(); throw new Error('crash'); } } });
    await a.start();
    const client = new NatsCommandClient(nc);
    const rp = await provider(client, 1);
    const first = randomUUID();
    expect((await send(client, claim(rp, 1, first))).ok).toBe(true);
    // One batch: a claim refused for want of room, then the delete that makes room. The writer
    // dies after the append, before anyone hears of it.
    const inbox = `_INBOX.test-${randomUUID()}`;
    const replies = new Map<string, Record<string, unknown>>();
    const sub = nc.subscribe(`${inbox}.*`, { callback: (_e, m) => { replies.set(m.subject.slice(inbox.length + 1), m.json()); } });
    const second = randomUUID();
    const entry = (n: string, command: Command) => ({ commandId: `${n}-${second}`, replyTo: `${inbox}.${n}`, command });
    crash = true;
    await js.publish('placement.cmd.batch', JSON.stringify({ commands: [
      entry('claim', claim(rp, 1, second)),
      entry('delete', { type: 'DeleteAllocations', consumerUuid: first }),
    ] }));
    await new Promise((r) => setTimeout(r, 500));
    expect(replies.size).toBe(0);
    // The next writer replays both outcomes, then takes the unsettled commands over.
    const b = newWriter();
    await b.start();
    for (let i = 0; i < 100 && replies.size < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(replies.get('delete')).toMatchObject({ ok: true });
    expect(replies.get('claim')).toMatchObject({ ok: false, status: 409 });
    // Decided afresh, the claim would have fitted now: it must not have been.
    expect(b.ledger().consumers.has(second)).toBe(false);
    expect(b.ledger().providers.get(rp)!.usages.get('VCPU') ?? 0).toBe(0);
    sub.unsubscribe();
    await b.stop();
    client.close();
  });
});
