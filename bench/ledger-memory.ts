/**
 * Ledger memory benchmark: folds N allocations (one consumer each, 3 classes
 * on one of P providers) through the real core and prints resident and heap
 * bytes per allocation after a full GC. Run with --expose-gc:
 *
 *   node --expose-gc --import tsx bench/ledger-memory.ts [--allocations 1000000] [--providers 10000]
 */
import { randomUUID } from 'node:crypto';
import { createLedger } from '../src/domain/state.ts';
import { loadStandards } from '../src/data/standards.ts';
import { evolve } from '../src/domain/evolve.ts';

const arg = (k: string, d: number) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const allocations = arg('allocations', 1_000_000);
const providers = arg('providers', 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const ledger = createLedger(loadStandards());
const at = new Date().toISOString();
const rps: string[] = [];
for (let i = 0; i < providers; i++) {
  const uuid = randomUUID();
  rps.push(uuid);
  evolve(ledger, { type: 'ResourceProviderCreated', uuid, name: `cn-${i}`, parentUuid: null, rootUuid: uuid }, at);
  const inv = { total: 1_000_000, reserved: 0, min_unit: 1, max_unit: 1_000_000, step_size: 1, allocation_ratio: 1 };
  evolve(ledger, { type: 'InventoriesReplaced', uuid, generation: 1, inventories: { VCPU: inv, MEMORY_MB: inv, DISK_GB: inv } }, at);
}
gc();
const base = process.memoryUsage();
const t0 = performance.now();
for (let i = 0; i < allocations; i++) {
  const rp = rps[i % providers]!;
  evolve(ledger, {
    type: 'AllocationsReplaced',
    consumers: [{
      uuid: randomUUID(), projectId: `project-${i % 100}`, userId: `user-${i % 1000}`, consumerType: 'INSTANCE',
      generation: 1, allocations: { [rp]: { VCPU: 1, MEMORY_MB: 1, DISK_GB: 1 } },
    }],
    providerGenerations: {},
  }, at);
}
const secs = (performance.now() - t0) / 1000;
gc();
const after = process.memoryUsage();
const per = (k: 'rss') => (after[k] - base[k]) / allocations;
console.log(`${allocations} consumers x 3 classes on ${providers} providers folded in ${secs.toFixed(1)} s ` +
  `(${(allocations / secs).toFixed(0)} events/s)`);
console.log(`per consumer allocation: RSS ${per('rss').toFixed(0)} B; ` +
  `RSS total ${(after.rss / 2 ** 20).toFixed(0)} MiB`);
