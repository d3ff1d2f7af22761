/**
 * @module http/usages/view
 * Usage sums: per provider (every class it has inventory of, 0 when
 * unused) and per project/user, grouped by consumer type from 1.38.
 */
import type { Consumer, Ledger, ResourceProvider } from '../../domain/model.ts';
import { UNKNOWN_CONSUMER_TYPE } from '../allocations/view.ts';

export function providerUsagesView(rp: ResourceProvider): Record<string, unknown> {
  const usages: Record<string, number> = {};
  for (const rc of rp.inventories.keys()) usages[rc] = rp.usages.get(rc) ?? 0;
  return { resource_provider_generation: rp.generation, usages };
}

/** The consumers of a project (and user, when given) that hold allocations. */
export function consumersOf(ledger: Ledger, projectId: string, userId?: string): Consumer[] {
  const out: Consumer[] = [];
  for (const id of ledger.consumersByProject.get(projectId) ?? []) {
    const consumer = ledger.consumers.get(id);
    if (consumer && consumer.allocations.size > 0 && (userId === undefined || consumer.userId === userId)) {
      out.push(consumer);
    }
  }
  return out;
}

function sumOf(consumers: readonly Consumer[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const consumer of consumers) {
    for (const res of consumer.allocations.values()) {
      for (const [rc, n] of res) sums[rc] = (sums[rc] ?? 0) + n;
    }
  }
  return sums;
}

/** Before 1.38: one sum per resource class. */
export const totalUsagesView = (consumers: readonly Consumer[]): Record<string, unknown> =>
  ({ usages: sumOf(consumers) });

/**
 * 1.38: sums and a consumer count per consumer type. The filter 'all'
 * puts everything under 'all'; 'unknown' means consumers without a type.
 */
export function usagesByTypeView(consumers: readonly Consumer[], filter?: string): Record<string, unknown> {
  const typeOf = (c: Consumer) => c.consumerType ?? UNKNOWN_CONSUMER_TYPE;
  const groups = new Map<string, Consumer[]>();
  for (const consumer of consumers) {
    const type = typeOf(consumer);
    if (filter !== undefined && filter !== 'all' && filter !== type) continue;
    if (filter === 'unknown' && consumer.consumerType !== null) continue;
    const key = filter === 'all' ? 'all' : type;
    groups.set(key, [...(groups.get(key) ?? []), consumer]);
  }
  const usages: Record<string, unknown> = {};
  for (const [type, members] of groups) usages[type] = { ...sumOf(members), consumer_count: members.length };
  return { usages };
}
