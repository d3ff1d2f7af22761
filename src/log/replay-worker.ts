/**
 * @module log/replay-worker
 * The start-up replay's worker (see parallel-replay.ts): stored batches in,
 * in log order; a chunk out for each, and the newest outcomes at the end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ReplayParser } from './replay-parser.ts';

export type ToWorker = { readonly seq: number; readonly data: Uint8Array } | { readonly finish: true };

const port = parentPort!;
const parser = new ReplayParser((workerData as { ringMax: number }).ringMax);

port.on('message', (m: ToWorker) => {
  try {
    if ('finish' in m) {
      port.postMessage({ remembered: parser.finish(), skipped: parser.skipped });
      return;
    }
    const chunk = parser.batch(m.data, m.seq);
    port.postMessage({ chunk }, [chunk.ops.buffer as ArrayBuffer]);
  } catch (err) {
    port.postMessage({ error: String(err) });
  }
});
