/**
 * @module log/parallel-replay
 * Start-up replay on two threads: this one reads the log and folds, a
 * worker parses. Parsing JSON is about half of a replay's work, so the
 * fold no longer waits for it; what crosses between the threads is a
 * compact chunk per stored batch (domain/replay-chunk.ts), not objects.
 */
import { Worker } from 'node:worker_threads';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { Ledger } from '../domain/model.ts';
import type { ReplayChunk } from '../domain/replay-chunk.ts';
import { ChunkFold } from '../domain/replay-chunk.ts';
import type { RememberedCommands } from '../domain/evolve.ts';
import { rememberAll } from '../domain/evolve.ts';
import { readLog, type FoldResult, type Skipped } from './replay.ts';

/** Stored batches handed to the worker and not folded yet: bounds memory when the fold lags. */
const IN_FLIGHT_MAX = 8;

type FromWorker = { chunk: ReplayChunk } | { remembered: RememberedCommands; skipped?: Skipped } | { error: string };

/** Folds the log from `fromSeq` into `ledger`. */
export async function foldLogInParallel(js: JetStreamClient, jsm: JetStreamManager, ledger: Ledger, fromSeq: number):
  Promise<FoldResult> {
  const worker = new Worker(new URL('./replay-worker.mjs', import.meta.url), {
    workerData: { ringMax: ledger.appliedCommands.max },
  });
  const chunks = new ChunkFold(ledger);
  let events = 0;
  let inFlight = 0;
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  let remembered: RememberedCommands | undefined;
  let skipped: Skipped | undefined;
  const fail = (err: Error) => { failed ??= err; wake?.(); };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`replay worker exited (${code})`)));
  worker.on('message', (m: FromWorker) => {
    try {
      if ('error' in m) throw new Error(`replay worker: ${m.error}`);
      if ('remembered' in m) ({ remembered, skipped } = m);
      else events += chunks.fold(m.chunk);
    } catch (err) {
      fail(err instanceof Error ? err : new Error(String(err)));
    }
    inFlight--;
    wake?.();
  });
  const until = async (done: () => boolean) => {
    while (!done() && !failed) await new Promise<void>((r) => { wake = r; });
    wake = undefined;
    if (failed) throw failed;
  };
  try {
    const log = readLog(js, jsm, { fromSeq });
    let lastSeq: number;
    for (;;) {
      const next = await log.next();
      if (failed) throw failed;
      if (next.done) { lastSeq = next.value; break; }
      // A copy with its own buffer, handed over without another: the message's bytes may be a
      // view into the client's read buffer (Buffer#slice would not copy; transferring it would
      // detach the client's buffer).
      const data = new Uint8Array(next.value.data);
      inFlight++;
      worker.postMessage({ seq: next.value.seq, data }, [data.buffer]);
      if (inFlight >= IN_FLIGHT_MAX) await until(() => inFlight < IN_FLIGHT_MAX);
    }
    inFlight++;
    worker.postMessage({ finish: true });
    await until(() => inFlight === 0);
    rememberAll(ledger, remembered!);
    return { lastSeq, events, skipped };
  } finally {
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
}
