import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { startNatsClient, type NatsServerHandle } from '../support/nats-server.ts';
import { everything, replayTestLog } from '../support/replay-log.ts';
import { ensureStreams, LOG_STREAM, LOG_SUBJECT } from '../../src/log/streams.ts';
import { appendBatch } from '../../src/log/append.ts';
import { replayLog } from '../../src/log/replay.ts';
import { foldLogInParallel } from '../../src/log/parallel-replay.ts';
import { ReplayFold } from '../../src/domain/evolve.ts';
import { createLedger } from '../../src/domain/state.ts';
import { loadStandards } from '../../src/data/standards.ts';
import { NatsWriter } from '../../src/writer/nats-writer.ts';
import { Prng } from '../../src/testing/prng.ts';
import type { Ledger } from '../../src/domain/model.ts';

let server: NatsServerHandle;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const standards = loadStandards();

beforeAll(async () => {
  ({ server, nc, js, jsm } = await startNatsClient());
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

async function freshLog(): Promise<void> {
  await jsm.streams.delete(LOG_STREAM).catch(() => {});
  await ensureStreams(jsm);
}

async function plainReplay(): Promise<Ledger> {
  const l = createLedger(standards);
  const fold = new ReplayFold(l);
  l.lastSeq = await replayLog(js, jsm, (batch, seq) => {
    l.epoch = Math.max(l.epoch, batch.epoch);
    for (const r of batch.records) fold.record(r, seq);
  });
  fold.finish();
  return l;
}

describe('start-up replay on a worker thread, against nats-server', () => {
  it('leaves the ledger the one-thread replay leaves, small and large stored batches alike', async () => {
    await freshLog();
    let seq = 0;
    const batches = replayTestLog(new Prng(7));
    // Then one batch far larger than the client's read buffer.
    const big = replayTestLog(new Prng(8)).slice(1).flatMap((b) => b.records)
      .map((r, i) => ({ ...r, commandId: `big-${i}` }));
    for (const b of [...batches, { v: 1 as const, epoch: 2, records: big }]) {
      seq = await appendBatch(js, b, { expectedLastSeq: seq, msgId: `t-${seq}`, timeoutMs: 5000 });
    }
    const plain = await plainReplay();
    const parallel = createLedger(standards);
    const folded = await foldLogInParallel(js, jsm, parallel, 1);
    parallel.lastSeq = folded.lastSeq;
    expect(folded.lastSeq).toBe(seq);
    expect(folded.events).toBeGreaterThan(100);
    expect(everything(parallel)).toEqual(everything(plain));
    expect(parallel.consumers.size).toBeGreaterThan(5);
    // From a later sequence on, onto what the earlier part left (a snapshot's tail).
    const tail = createLedger(standards);
    const head = await foldLogInParallel(js, jsm, tail, 1);
    expect(head.lastSeq).toBe(seq);
    expect((await foldLogInParallel(js, jsm, tail, seq + 1)).lastSeq).toBe(seq);
  });

  it('a writer starts through it; a message that is not a batch is skipped alike on both paths, and logged', async () => {
    await freshLog();
    let seq = 0;
    for (const b of replayTestLog(new Prng(9))) seq = await appendBatch(js, b, { expectedLastSeq: seq, msgId: `u-${seq}`, timeoutMs: 5000 });
    const logged: string[] = [];
    const start = async () => {
      logged.length = 0;
      const w = new NatsWriter(nc, js, jsm, { createLedger: () => createLedger(standards), log: (m) => logged.push(m) });
      await w.start();
      await w.stop();
      return w.ledger();
    };
    const before = everything(await plainReplay());
    const started = await start();
    expect(logged.join('\n')).not.toMatch(/parallel replay failed/);
    expect(everything(started).state).toEqual(before.state);
    // A v2 batch whose string ref is out of range: both paths skip it (log/well-formed.ts).
    const { seq: foreignSeq } = await js.publish(LOG_SUBJECT, new TextEncoder().encode(JSON.stringify(
      { v: 2, epoch: 1, strings: ['a', 'b', 'c'], ops: [0, 1, 2, -1, 1, 1, 1, 99, 1, 1, 1, 1, 0, 0], events: [], refused: [] })));
    const again = await start();
    expect(logged.join('\n')).not.toMatch(/parallel replay failed/);
    expect(logged.join('\n')).toContain(`skipped 1 stored messages that are not batches this service writes (first at seq ${foreignSeq})`);
    expect(everything(again).state).toEqual(before.state);
  });
});
