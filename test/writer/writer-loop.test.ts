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
});
