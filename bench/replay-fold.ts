/**
 * Replay micro-benchmark, no NATS: builds the same log as bench/startup.ts
 * (providers, then one allocation per new consumer) as encoded batches in
 * memory, then times decoding alone, folding already-decoded batches alone,
 * and both, into a fresh ledger each time.
 *
 *   node --expose-gc --import tsx bench/replay-fold.ts [--events 1000000] [--providers 1000]
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { encodeBatch, decodeBatch } from '../src/log/codec.ts';
import { createLedger } from '../src/domain/state.ts';
import { ReplayFold } from '../src/domain/evolve.ts';
import { loadStandards } from '../src/data/standards.ts';
import type { LogBatch } from '../src/domain/events.ts';
import { startupLog } from './lib/startup-log.ts';

const arg = (k: string, d: number) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const total = arg('events', 1_000_000);
const providerCount = arg('providers', 1000);
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const messages: Uint8Array[] = [];
for (const records of startupLog(total, providerCount)) messages.push(encodeBatch({ v: 1, epoch: 1, records }));

const time = (label: string, f: () => void) => {
  gc();
  const t = performance.now();
  const cpu = process.cpuUsage();
  f();
  const s = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  console.log(`${label}: ${s.toFixed(2)} s (${(total / s).toFixed(0)} events/s), ` +
    `CPU ${((used.user + used.system) / 1e6).toFixed(2)} s (all threads, GC helpers included)`);
};
const fold = (batches: Iterable<LogBatch | null>) => {
  const ledger = createLedger(loadStandards());
  const f = new ReplayFold(ledger);
  let seq = 0;
  for (const b of batches) {
    seq++;
    if (!b) continue;
    for (const r of b.records) f.record(r, seq);
  }
  f.finish();
  return ledger;
};
const only = process.argv.includes('--fold-only');
const both = process.argv.includes('--both-only');
let decoded: (LogBatch | null)[] = [];
if (!only && !both) time('decode only', () => { for (const m of messages) decodeBatch(m); });
decoded = messages.map((m) => decodeBatch(m));
for (let k = 0; k < (both ? 0 : 2); k++) time('fold only (decoded batches)', () => { fold(decoded); });
decoded = [];
if (!only) {
  for (let k = 0; k < 2; k++) {
    time('decode + fold', () => {
      fold((function* () { for (const m of messages) yield decodeBatch(m); })());
    });
  }
}
