/**
 * The log the start-up benchmarks replay: N providers with VCPU and
 * MEMORY_MB inventory, then one allocation per new consumer, spread over
 * the providers (100 projects, 1,000 users), as batches of `perMessage`
 * command records, as the writer would record them.
 */
import { randomUUID } from 'node:crypto';
import type { CommandRecord, PlacementEvent } from '../../src/domain/events.ts';

export function* startupLog(total: number, providerCount: number, perMessage = 1000): Generator<CommandRecord[]> {
  const at = new Date().toISOString();
  const rps = Array.from({ length: providerCount }, () => randomUUID());
  const inv = { total: 1_000_000_000, reserved: 0, min_unit: 1, max_unit: 1_000_000_000, step_size: 1, allocation_ratio: 1 };
  const events: PlacementEvent[] = [];
  for (const uuid of rps) {
    events.push({ type: 'ResourceProviderCreated', uuid, name: `cn-${uuid}`, parentUuid: null, rootUuid: uuid });
    events.push({ type: 'InventoriesReplaced', uuid, generation: 1, inventories: { VCPU: inv, MEMORY_MB: inv } });
  }
  for (let written = 0, i = 0; written < total;) {
    const records: CommandRecord[] = [];
    while (records.length < perMessage && written < total) {
      const k = i++;
      const rp = rps[k % rps.length]!;
      // As the writer records a claim: the provider's generation moves with it.
      const event: PlacementEvent = events.shift() ?? {
        type: 'AllocationsReplaced',
        consumers: [{ uuid: randomUUID(), projectId: `project-${k % 100}`, userId: `user-${k % 1000}`,
          consumerType: 'INSTANCE', generation: 1, allocations: { [rp]: { VCPU: 1, MEMORY_MB: 256 } } }],
        providerGenerations: { [rp]: 2 + Math.floor(k / rps.length) },
      };
      records.push({ commandId: randomUUID(), requestId: `req-${randomUUID()}`, at, events: [event] });
      written++;
    }
    yield records;
  }
}
