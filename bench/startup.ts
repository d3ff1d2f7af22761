/**
 * Start-up benchmark: writes N events (default 1,000,000: providers, then
 * one allocation per new consumer) straight onto a fresh log on a private
 * nats-server (loopback, temp store), then times the writer's start-up:
 * full replay, then with a snapshot. Prints replay events/s, seconds to
 * serve and peak RSS of each.
 *
 *   npx tsx bench/startup.ts [--events 1000000] [--providers 1000]
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer } from '../test/support/nats-server.ts';
import { ensureStreams } from '../src/log/streams.ts';
import { appendBatch } from '../src/log/append.ts';
import { NatsWriter } from '../src/writer/nats-writer.ts';
import { SnapshotStore } from '../src/log/snapshots.ts';
import { createLedger } from '../src/domain/state.ts';
import { loadStandards } from '../src/data/standards.ts';
import { startupLog } from './lib/startup-log.ts';
import { processCpu, threadCpu } from './lib/cpu.ts';

const arg = (k: string, d: number) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const total = arg('events', 1_000_000);
const providerCount = arg('providers', 1000);
const perMessage = 1000;

const seconds = (u: NodeJS.CpuUsage) => ((u.user + u.system) / 1e6).toFixed(2);

let peak = 0;
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
// A full collection before each start, so the RSS figures are the start-up's own.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const server = await startNatsServer();
const nc = await connect({ servers: server.url });
const js = jetstream(nc);
const jsm = await jetstreamManager(nc);
try {
  await ensureStreams(jsm);
  let written = 0;
  let seq = 0;
  const t0 = performance.now();
  for (const records of startupLog(total, providerCount, perMessage)) {
    seq = await appendBatch(js, { v: 1, epoch: 1, records }, { expectedLastSeq: seq, msgId: `bench-${seq}`, timeoutMs: 30_000 });
    written += records.length;
  }
  console.log(`wrote ${written} events in ${seq} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const snapshots = await SnapshotStore.open(nc);
  const startOnce = async (label: string, withSnapshot: boolean) => {
    gc();
    const base = process.memoryUsage().rss;
    peak = base;
    const t = performance.now();
    const cpu = process.cpuUsage();
    const natsCpu = processCpu(server.pid);
    const w = new NatsWriter(nc, js, jsm, {
      createLedger: () => createLedger(loadStandards()), ...(withSnapshot ? { snapshots } : {}), snapshotEveryEvents: 0,
      log: (m: string) => { if (m.includes('replayed')) console.log(`  ${m}`); },
    });
    const mainBefore = threadCpu().get(process.pid)!;
    await w.start();
    const mainCpu = threadCpu().get(process.pid)! - mainBefore;
    const s = (performance.now() - t) / 1000;
    console.log(`${label}: serving after ${s.toFixed(2)} s (${(total / s).toFixed(0)} events/s over the whole log); ` +
      `peak RSS ${mib(peak)} (+${mib(peak - base)}); CPU: service ${seconds(process.cpuUsage(cpu))} s ` +
      `(main thread ${mainCpu.toFixed(2)} s, the rest replay worker and GC), ` +
      `nats-server ${(processCpu(server.pid) - natsCpu).toFixed(2)} s`);
    return w;
  };
  let full: NatsWriter | undefined = await startOnce('full replay', false);
  const t = performance.now();
  const saved = await snapshots.save(full.ledger(), (await jsm.streams.info('PLACEMENT_LOG')).created);
  console.log(`snapshot of seq ${saved.seq}: ${mib(saved.bytes)} stored in ${((performance.now() - t) / 1000).toFixed(2)} s`);
  await full.stop();
  full = undefined; // a restarted service holds one ledger, not two
  const fromSnap = await startOnce('snapshot + tail', true);
  await fromSnap.stop();
} finally {
  clearInterval(sampler);
  await nc.close();
  await server.stop();
}
