/**
 * The writer loop's batch bound, over an in-memory log: a batch's stored
 * message must stay under nats-server's max_payload, so large commands are
 * split across appends (a single larger one goes alone).
 */
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { WriterLoop, type Inbound } from '../../src/writer/writer-loop.ts';
import type { EventLog } from '../../src/log/event-log.ts';
import type { LogBatch } from '../../src/domain/events.ts';
import type { CommandResult } from '../../src/commands/writer-port.ts';
import { createLedger } from '../../src/domain/state.ts';
import { loadStandards } from '../../src/data/standards.ts';

class MemoryLog implements EventLog {
  readonly batches: LogBatch[] = [];
  async info() { return { created: 'memory', lastSeq: this.batches.length }; }
  async append(batch: LogBatch, opts: { expectedLastSeq: number }) {
    if (opts.expectedLastSeq !== this.batches.length) throw new Error('unexpected last seq');
    this.batches.push(batch);
    return this.batches.length;
  }
  async replay(fromSeq: number, onBatch: (b: LogBatch, seq: number) => void) {
    for (let s = fromSeq; s <= this.batches.length; s++) onBatch(this.batches[s - 1]!, s);
    return this.batches.length;
  }
}

async function run(commands: number, bytesEach: number, batchBytesMax?: number) {
  const log = new MemoryLog();
  const answers: CommandResult[] = [];
  const loop = new WriterLoop<Inbound>(log, { reply: (_i, r) => answers.push(r), settled: () => {} },
    { createLedger: () => createLedger(loadStandards()), ...(batchBytesMax ? { batchBytesMax } : {}) });
  await loop.start();
  for (let i = 0; i < commands; i++) {
    const uuid = randomUUID();
    loop.enqueue({ commandId: uuid, requestId: '', deadline: 0, bytes: bytesEach,
      body: { type: 'CreateResourceProvider', uuid, name: `rp-${uuid}`, parentUuid: null } });
  }
  for (let i = 0; i < 200 && answers.length < commands; i++) await new Promise((r) => setTimeout(r, 5));
  await loop.stop();
  expect(answers.filter((a) => a.ok)).toHaveLength(commands);
  return log.batches.slice(1).map((b) => b.records.length); // after the WriterStarted claim
}

describe('writer loop batches', () => {
  it('keep a batch within batchBytesMax of commands, and take a larger one alone', async () => {
    // 2 MiB by default: 1.5 MB commands go one per append, 0.4 MB ones five at a time at most.
    expect(await run(6, 1_500_000)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Math.max(...await run(20, 400_000))).toBeLessThanOrEqual(5);
    // A single command over the bound still goes (alone).
    expect(await run(2, 3_000_000)).toEqual([1, 1]);
    // Small commands are batched as before.
    expect(Math.max(...await run(50, 100))).toBeGreaterThan(5);
  });

  it('keep a batch within batchBytesMax of events too: small inventory changes with large events', async () => {
    const log = new MemoryLog();
    const answers: CommandResult[] = [];
    const loop = new WriterLoop<Inbound>(log, { reply: (_i, r) => answers.push(r), settled: () => {} },
      { createLedger: () => createLedger(loadStandards()), batchBytesMax: 200_000 });
    await loop.start();
    const rp = randomUUID();
    const inventory = { total: 10, reserved: 0, min_unit: 1, max_unit: 10, step_size: 1, allocation_ratio: 1 };
    const send = (body: unknown) => loop.enqueue({ commandId: randomUUID(), requestId: '', deadline: 0, bytes: 100, body });
    send({ type: 'CreateResourceProvider', uuid: rp, name: 'wide', parentUuid: null });
    const classes = Array.from({ length: 1000 }, (_, i) => `CUSTOM_C${i}`);
    for (const name of classes) send({ type: 'CreateResourceClass', name, ifAbsent: false });
    send({ type: 'ChangeInventories', uuid: rp, generation: null, reservedMayEqualTotal: false,
      change: { kind: 'replace', inventories: Object.fromEntries(classes.map((c) => [c, inventory])) } });
    // 100 one-class updates: ~100 bytes of command each, ~110 KB of event each (all 1,000 inventories).
    for (let i = 0; i < 100; i++) {
      send({ type: 'ChangeInventories', uuid: rp, generation: null, reservedMayEqualTotal: false,
        change: { kind: 'update', resourceClass: 'CUSTOM_C0', inventory: { ...inventory, total: 10 + i } } });
    }
    for (let i = 0; i < 400 && answers.length < 1102; i++) await new Promise((r) => setTimeout(r, 5));
    await loop.stop();
    expect(answers.filter((a) => a.ok)).toHaveLength(1102);
    const sizes = log.batches.map((b) => JSON.stringify(b.records.map((r) => r.events)).length);
    const eventSize = JSON.stringify(log.batches.at(-1)!.records[0]!.events).length;
    expect(eventSize).toBeGreaterThan(100_000);
    // Each batch passes the bound by at most its last command's events.
    for (const n of sizes) expect(n).toBeLessThanOrEqual(200_000 + eventSize);
    expect(log.batches.filter((b) => b.records.some((r) => r.events.some((e) => e.type === 'InventoriesReplaced'))).length)
      .toBeGreaterThan(30);
  });

  it('after a failed append the ledger is marked as rebuilding (not to be read) until it is the log again', async () => {
    let failAppends = false;
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => { release = r; });
    const log = new (class extends MemoryLog {
      override async info() {
        if (failAppends) await gate; // the rebuild waits here until the test has looked
        return super.info();
      }
      override async append(batch: LogBatch, opts: { expectedLastSeq: number }) {
        if (failAppends) throw new Error('log unavailable');
        return super.append(batch, opts);
      }
    })();
    const answers: CommandResult[] = [];
    const loop = new WriterLoop<Inbound>(log, { reply: (_i, r) => answers.push(r), settled: () => {} },
      { createLedger: () => createLedger(loadStandards()), sleep: async () => {} });
    await loop.start();
    expect(loop.rebuilding).toBe(false);
    failAppends = true;
    const uuid = randomUUID();
    loop.enqueue({ commandId: uuid, requestId: '', deadline: 0, body: { type: 'CreateResourceProvider', uuid, name: 'lost', parentUuid: null } });
    for (let i = 0; i < 200 && answers.length < 1; i++) await new Promise((r) => setTimeout(r, 5));
    expect(answers[0]).toMatchObject({ ok: false, rejection: { kind: 'Unavailable' } });
    // The effect that never became durable is still in the ledger: hence the flag.
    expect(loop.ledger().providers.has(uuid)).toBe(true);
    expect(loop.rebuilding).toBe(true);
    failAppends = false;
    release();
    for (let i = 0; i < 200 && loop.rebuilding; i++) await new Promise((r) => setTimeout(r, 5));
    expect(loop.rebuilding).toBe(false);
    expect(loop.ledger().providers.has(uuid)).toBe(false);
    await loop.stop();
  });

  it('refuse a command whose own events no stored batch could hold, and apply nothing of it', async () => {
    const log = new MemoryLog();
    const answers = new Map<string, CommandResult>();
    const loop = new WriterLoop<Inbound>(log, { reply: (i, r) => answers.set(i.commandId, r), settled: () => {} },
      { createLedger: () => createLedger(loadStandards()), commandEventBytesMax: 50_000 });
    await loop.start();
    const rp = randomUUID();
    const inventory = { total: 10, reserved: 0, min_unit: 1, max_unit: 10, step_size: 1, allocation_ratio: 1 };
    const send = (id: string, body: unknown) => loop.enqueue({ commandId: id, requestId: '', deadline: 0, bytes: 100, body });
    send('rp', { type: 'CreateResourceProvider', uuid: rp, name: 'wide', parentUuid: null });
    const classes = Array.from({ length: 1000 }, (_, i) => `CUSTOM_C${i}`);
    classes.forEach((name) => send(name, { type: 'CreateResourceClass', name, ifAbsent: false }));
    const replace = (n: number) => ({ type: 'ChangeInventories', uuid: rp, generation: null, reservedMayEqualTotal: false,
      change: { kind: 'replace', inventories: Object.fromEntries(classes.slice(0, n).map((c) => [c, inventory])) } });
    send('wide', replace(1000)); // ~110 KB of event
    send('narrow', replace(100)); // ~11 KB
    for (let i = 0; i < 400 && answers.size < 1003; i++) await new Promise((r) => setTimeout(r, 5));
    await loop.stop();
    expect(answers.get('wide')).toMatchObject({ ok: false, rejection: { kind: 'BadRequest' } });
    expect(JSON.stringify(answers.get('wide'))).toMatch(/events would take \d+ bytes, more than a stored batch holds \(50000\)/);
    expect(answers.get('narrow')).toMatchObject({ ok: true });
    expect(loop.ledger().providers.get(rp)!.inventories.size).toBe(100);
    expect(log.batches.flatMap((b) => b.records).find((r) => r.commandId === 'wide')).toMatchObject({ events: [] });
  });
});
