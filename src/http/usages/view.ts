/**
 * @module http/usages/view
 * Usage sums: per provider (every class it has inventory of, 0 when
 * unused) and per project/user, grouped by consumer type from 1.38.
 */
import type { Ledger, ResourceProvider, UsageTotal } from '../../domain/model.ts';
import { UNKNOWN_CONSUMER_TYPE } from '../allocations/view.ts';

export function providerUsagesView(rp: ResourceProvider): Record<string, unknown> {
  const usages: Record<string, number> = {};
  for (const rc of rp.inventories.keys()) usages[rc] = rp.usages.get(rc) ?? 0;
  return { resource_provider_generation: rp.generation, usages };
}

/** The usage sums of a project (and user, when given), one per consumer type (null: none). */
export function usageTotalsOf(ledger: Ledger, projectId: string, userId?: string): Array<[string | null, UsageTotal]> {
  const users = ledger.projectUsages.get(projectId);
  if (!users) return [];
  const types = userId === undefined ? [...users.values()] : users.has(userId) ? [users.get(userId)!] : [];
  return types.flatMap((t) => [...t]);
}

function sumOf(totals: ReadonlyArray<[string | null, UsageTotal]>): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const [, total] of totals) {
    for (const [rc, n] of total.resources) sums[rc] = (sums[rc] ?? 0) + n;
  }
  return sums;
}

const consumerCount = (totals: ReadonlyArray<[string | null, UsageTotal]>): number =>
  totals.reduce((n, [, t]) => n + t.consumers, 0);

/** Before 1.38: one sum per resource class. */
export const totalUsagesView = (totals: ReadonlyArray<[string | null, UsageTotal]>): Record<string, unknown> =>
  ({ usages: sumOf(totals) });

/**
 * 1.38: sums and a consumer count per consumer type. The filter 'all'
 * puts everything under 'all'; 'unknown' means consumers without a type.
 */
export function usagesByTypeView(totals: ReadonlyArray<[string | null, UsageTotal]>, filter?: string): Record<string, unknown> {
  const groups = new Map<string, Array<[string | null, UsageTotal]>>();
  for (const entry of totals) {
    const [consumerType] = entry;
    const type = consumerType ?? UNKNOWN_CONSUMER_TYPE;
    if (filter !== undefined && filter !== 'all' && filter !== type) continue;
    if (filter === 'unknown' && consumerType !== null) continue;
    const key = filter === 'all' ? 'all' : type;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const usages: Record<string, unknown> = {};
  for (const [type, members] of groups) usages[type] = { ...sumOf(members), consumer_count: consumerCount(members) };
  return { usages };
}
