/**
 * Snapshot pause benchmark: folds N claims (one consumer each, on 1,000
 * providers) into a ledger, then stores a snapshot of it three times on a
 * private nats-server, with a 1 ms timer running: prints how long each save
 * took and the longest stalls of the event loop meanwhile (what a writer
 * sharing the thread would wait).
 *
 *   npx tsx bench/snapshot-pause.ts [--consumers 1000000]
 */
import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { startNatsServer } from '../test/support/nats-server.ts';
import { SnapshotStore } from '../src/log/snapshots.ts';
import { createLedger } from '../src/domain/state.ts';
import { loadStandards } from '../src/data/standards.ts';
import { evolve } from '../src/domain/evolve.ts';

const i = process.argv.indexOf('--consumers');
const consumers = i > 0 ? Number(process.argv[i + 1]) : 1_000_000;
const ledger = createLedger(loadStandards());
const at = new Date().toISOString();
const rps = Array.from({ length: 1000 }, () => randomUUID());
const inv = { total: 1e9, reserved: 0, min_unit: 1, max_unit: 1e9, step_size: 1, allocation_ratio: 1 };
rps.forEach((uuid, k) => {
  evolve(ledger, { type: 'ResourceProviderCreated', uuid, name: `cn-${k}`, parentUuid: null, rootUuid: uuid }, at);
  evolve(ledger, { type: 'InventoriesReplaced', uuid, generation: 1, inventories: { VCPU: inv, MEMORY_MB: inv } }, at);
});
for (let k = 0; k < consumers; k++) {
  evolve(ledger, { type: 'AllocationsReplaced', providerGenerations: {}, consumers: [{ uuid: randomUUID(),
    projectId: `project-${k % 100}`, userId: `user-${k % 1000}`, consumerType: 'INSTANCE', generation: 1,
    allocations: { [rps[k % rps.length]!]: { VCPU: 1, MEMORY_MB: 256 } } }] }, at);
}
const server = await startNatsServer();
const nc = await connect({ servers: server.url });
try {
  const store = await SnapshotStore.open(nc);
  for (let k = 0; k < 3; k++) {
    const gaps: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => { const now = performance.now(); gaps.push(now - last); last = now; }, 1);
    const t = performance.now();
    const saved = await store.save(ledger, 'bench');
    clearInterval(timer);
    gaps.sort((a, b) => b - a);
    console.log(`snapshot of ${consumers} consumers (${(saved.bytes / 2 ** 20).toFixed(0)} MiB) stored in ` +
      `${((performance.now() - t) / 1000).toFixed(2)} s; longest stalls ${gaps.slice(0, 3).map((g) => g.toFixed(0)).join(', ')} ms`);
  }
} finally {
  await nc.close();
  await server.stop();
}
