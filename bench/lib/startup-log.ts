/**
 * The log the start-up benchmarks replay: N providers with VCPU and
 * MEMORY_MB inventory, then one allocation per new consumer, spread over
 * the providers, as batches of `perMessage` command records.
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
      const event: PlacementEvent = events.shift() ?? {
        type: 'AllocationsReplaced', providerGenerations: {},
        consumers: [{ uuid: randomUUID(), projectId: 'p', userId: 'u', consumerType: 'INSTANCE', generation: 1,
          allocations: { [rps[i++ % rps.length]!]: { VCPU: 1, MEMORY_MB: 256 } } }],
      };
      records.push({ commandId: randomUUID(), requestId: `req-${written}`, at, events: [event] });
      written++;
    }
    yield records;
  }
}
