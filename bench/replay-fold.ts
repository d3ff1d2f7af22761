/**
 * Replay micro-benchmark, no NATS: builds the same log as bench/startup.ts
 * (providers, then one allocation per new consumer) as stored batches in
 * memory, then times, into a fresh ledger each time, the two halves of the
 * start-up replay apart: the worker's (parse stored batches into chunks)
 * and the main thread's (fold chunks into the ledger); and the one-thread
 * replay (decode to records, evolve) for comparison.
 *
 *   node --expose-gc --import tsx bench/replay-fold.ts [--events 1000000] [--providers 1000] [--v1]
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { encodeBatch, decodeBatch } from '../src/log/codec.ts';
import { ReplayParser } from '../src/log/replay-parser.ts';
import { createLedger } from '../src/domain/state.ts';
import { ReplayFold, rememberAll } from '../src/domain/evolve.ts';
import { ChunkFold, type ReplayChunk } from '../src/domain/replay-chunk.ts';
import { loadStandards } from '../src/data/standards.ts';
import type { LogBatch } from '../src/domain/events.ts';
import { startupLog } from './lib/startup-log.ts';

const arg = (k: string, d: number) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const total = arg('events', 1_000_000);
const providerCount = arg('providers', 1000);
const v1 = process.argv.includes('--v1');
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const messages: Uint8Array[] = [];
for (const records of startupLog(total, providerCount)) {
  const batch: LogBatch = { v: 1, epoch: 1, records };
  messages.push(v1 ? new TextEncoder().encode(JSON.stringify(batch)) : encodeBatch(batch));
}
console.log(`${total} events in ${messages.length} ${v1 ? 'v1' : 'v2'} batches, ` +
  `${(messages.reduce((n, m) => n + m.length, 0) / total).toFixed(0)} bytes per event`);

const time = <T>(label: string, f: () => T): T => {
  gc();
  const t = performance.now();
  const cpu = process.cpuUsage();
  const out = f();
  const s = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  console.log(`${label}: ${s.toFixed(2)} s (${(total / s).toFixed(0)} events/s), ` +
    `CPU ${((used.user + used.system) / 1e6).toFixed(2)} s (GC helpers included)`);
  return out;
};
const ledger = () => createLedger(loadStandards());

for (let k = 0; k < 2; k++) {
  const parser = new ReplayParser(ledger().appliedCommands.max);
  let chunks: ReplayChunk[] = time('worker half: parse into chunks', () => messages.map((m, i) => parser.batch(m, i + 1)));
  const remembered = parser.finish();
  time('main half: fold chunks', () => {
    const l = ledger();
    const fold = new ChunkFold(l);
    for (const c of chunks) fold.fold(c);
    rememberAll(l, remembered);
    return l;
  });
  chunks = [];
}
time('one thread: decode + evolve', () => {
  const l = ledger();
  const f = new ReplayFold(l);
  messages.forEach((m, i) => { for (const r of decodeBatch(m)!.records) f.record(r, i + 1); });
  f.finish();
  return l;
});
