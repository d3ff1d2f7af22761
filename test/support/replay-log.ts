/** Logs for replay tests: batches of every kind a writer stores, and what a replay leaves. */
import type { CommandRecord, ConsumerAllocationsSet, LogBatch, PlacementEvent } from '../../src/domain/events.ts';
import type { Ledger } from '../../src/domain/model.ts';
import { ledgerState } from '../../src/domain/snapshot.ts';
import type { Prng } from '../../src/testing/prng.ts';

const inv = { total: 1000, reserved: 0, min_unit: 1, max_unit: 1000, step_size: 1, allocation_ratio: 1 };

/** A log with providers, custom classes, traits, and consumers that claim, move, grow and leave. */
export function replayTestLog(rng: Prng): LogBatch[] {
  const batches: LogBatch[] = [];
  const rps = ['rp-a', 'rp-b', 'rp-c', 'rp-d'];
  const gens = new Map(rps.map((r) => [r, 1]));
  const consumers = new Map<string, number>();
  let n = 0;
  const record = (events: PlacementEvent[], refused?: CommandRecord['refused']): CommandRecord => ({
    commandId: `cmd-${n}`, requestId: `req-${n}`, at: `2026-12-04T00:00:${String(n++ % 60).padStart(2, '0')}.000Z`,
    events, ...(refused ? { refused } : {}),
  });
  batches.push({ v: 1, epoch: 1, records: [
    record([{ type: 'WriterStarted', epoch: 1 }]),
    record([{ type: 'ResourceClassCreated', name: 'CUSTOM_GPU', id: 10000 }, { type: 'TraitCreated', name: 'CUSTOM_FAST' }]),
    ...rps.map((uuid) => record([
      { type: 'ResourceProviderCreated', uuid, name: `n-${uuid}`, parentUuid: null, rootUuid: uuid },
      { type: 'InventoriesReplaced', uuid, generation: 1, inventories: { VCPU: inv, MEMORY_MB: inv, CUSTOM_GPU: inv } },
    ])),
  ] });
  for (let b = 0; b < 40; b++) {
    const records: CommandRecord[] = [];
    for (let k = rng.range(1, 6); k > 0; k--) {
      if (rng.chance(0.1)) { records.push(record([], { kind: 'Conflict', detail: 'generation moved' })); continue; }
      if (rng.chance(0.05)) {
        const uuid = rng.pick(rps);
        gens.set(uuid, gens.get(uuid)! + 1);
        records.push(record([{ type: 'ProviderTraitsReplaced', uuid, generation: gens.get(uuid)!, traits: ['CUSTOM_FAST'] }]));
        continue;
      }
      const set: ConsumerAllocationsSet[] = [];
      for (let c = rng.range(1, 3); c > 0; c--) {
        const uuid = `c-${rng.range(0, 30)}`;
        const generation = (consumers.get(uuid) ?? 0) + 1;
        consumers.set(uuid, generation);
        const allocations: Record<string, Record<string, number>> = {};
        if (!rng.chance(0.2)) {
          for (const rp of rps) {
            if (rng.chance(0.5)) allocations[rp] = rng.chance(0.5) ? { VCPU: 1, MEMORY_MB: 256 } : { MEMORY_MB: rng.range(1, 9), CUSTOM_GPU: 1 };
          }
        }
        if (set.some((s) => s.uuid === uuid)) continue;
        set.push({ uuid, projectId: rng.pick(['p1', 'p2']), userId: 'u', consumerType: rng.chance(0.5) ? 'INSTANCE' : null,
          generation, allocations });
      }
      const providerGenerations: Record<string, number> = {};
      for (const rp of rps) if (rng.chance(0.5)) { gens.set(rp, gens.get(rp)! + 1); providerGenerations[rp] = gens.get(rp)!; }
      records.push(record([{ type: 'AllocationsReplaced', consumers: set, providerGenerations }]));
    }
    batches.push({ v: 1, epoch: 1, records });
  }
  return batches;
}

/** Everything a replay leaves, timestamps and remembered outcomes included. */
export const everything = (l: Ledger) => ({
  state: ledgerState(l), seq: l.lastSeq, epoch: l.epoch,
  times: [...l.consumers.values()].map((c) => [c.uuid, c.createdAt, c.updatedAt]),
  providerTimes: [...l.providers.values()].map((rp) => [rp.uuid, rp.generation, rp.updatedAt]),
  applied: [...l.appliedCommands],
  sharedResources: [...l.consumers.values()].every((c) => [...c.allocations].every(([rp, res]) =>
    l.providers.get(rp)!.allocations.get(c.uuid) === res)),
});

