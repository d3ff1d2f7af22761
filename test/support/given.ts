/**
 * given(events...).when(command).thenEvents(...) / .thenRejects(kind, detail?)
 * State comes only from the given events; a rejection must leave no events.
 */
import { expect } from 'vitest';
import type { Command } from '../../src/domain/commands.ts';
import type { PlacementEvent } from '../../src/domain/events.ts';
import type { RejectionKind } from '../../src/domain/rejections.ts';
import type { Ledger } from '../../src/domain/model.ts';
import { createLedger } from '../../src/domain/state.ts';
import { loadStandards } from '../../src/data/standards.ts';
import { evolve } from '../../src/domain/evolve.ts';
import { decide } from '../../src/domain/decide.ts';

const AT = '2026-01-01T00:00:00.000Z';

export function given(...events: PlacementEvent[]) {
  const ledger = createLedger(loadStandards());
  for (const e of events) evolve(ledger, e, AT);
  return {
    ledger,
    when(cmd: Command) {
      const d = decide(ledger, cmd);
      return {
        decision: d,
        thenEvents(check?: (events: readonly PlacementEvent[], l: Ledger) => void) {
          expect(d.rejection).toBeUndefined();
          for (const e of d.events!) evolve(ledger, e, AT);
          check?.(d.events!, ledger);
          return ledger;
        },
        thenRejects(kind: RejectionKind, detail?: string | RegExp) {
          expect(d.events).toBeUndefined();
          expect(d.rejection?.kind).toBe(kind);
          if (detail) expect(d.rejection?.detail).toMatch(detail);
        },
      };
    },
  };
}

export const providerCreated = (uuid: string, parentUuid: string | null = null, rootUuid = uuid): PlacementEvent =>
  ({ type: 'ResourceProviderCreated', uuid, name: `rp-${uuid}`, parentUuid, rootUuid });

export const inv = (total: number, more: Partial<Record<'reserved' | 'min_unit' | 'max_unit' | 'step_size' | 'allocation_ratio', number>> = {}) =>
  ({ total, reserved: 0, min_unit: 1, max_unit: total, step_size: 1, allocation_ratio: 1, ...more });

export const inventoriesSet = (uuid: string, inventories: Record<string, ReturnType<typeof inv>>, generation = 1): PlacementEvent =>
  ({ type: 'InventoriesReplaced', uuid, generation, inventories });

export const allocated = (consumer: string, allocations: Record<string, Record<string, number>>, generation = 1): PlacementEvent => ({
  type: 'AllocationsReplaced',
  consumers: [{ uuid: consumer, projectId: 'p', userId: 'u', consumerType: null, generation, allocations }],
  providerGenerations: {},
});

export const replace = (consumers: Array<{ uuid: string; allocations: Record<string, Record<string, number>>; generation?: number | null }>,
  via: 'put' | 'post' = 'post'): Command => ({
  type: 'ReplaceAllocations', via,
  consumers: consumers.map((c) => ({
    consumerUuid: c.uuid, projectId: 'p', userId: 'u', allocations: c.allocations,
    ...(c.generation !== undefined ? { consumerGeneration: c.generation } : {}),
  })),
});
