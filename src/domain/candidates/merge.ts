/**
 * @module domain/candidates/merge
 * Combine the groups' answers: under each anchor that every group reached,
 * one request per choice of a request from each group, kept when it obeys
 * group_policy=isolate (granular groups on distinct providers) and every
 * same_subtree, consolidated (amounts of one class on one provider add up)
 * and still within capacity and max_unit. Duplicates are dropped.
 */
import type { Ledger } from '../model.ts';
import { capacityOf } from '../capacity.ts';
import { product } from './product.ts';
import type { AllocationRequest, GroupPolicy, GroupRequest, RequestWide, ResourceRequest } from './types.ts';

/** Per anchor, per suffix (in group order), that group's requests. */
function byAnchor(answers: ReadonlyMap<string, readonly GroupRequest[]>): Map<string, Map<string, GroupRequest[]>> {
  const out = new Map<string, Map<string, GroupRequest[]>>();
  for (const [suffix, requests] of answers) {
    for (const r of requests) {
      const bySuffix = out.get(r.anchor) ?? new Map<string, GroupRequest[]>();
      out.set(r.anchor, bySuffix);
      const requests = bySuffix.get(suffix) ?? [];
      bySuffix.set(suffix, requests);
      requests.push(r);
    }
  }
  return out;
}

export function satisfiesGroupPolicy(parts: readonly GroupRequest[], policy: GroupPolicy | undefined,
  granularGroups: number): boolean {
  if (policy !== 'isolate') return true;
  const providers = new Set<string>();
  for (const p of parts) {
    if (!p.useSameProvider) continue;
    for (const uuid of [...p.mappings.values()][0] ?? []) providers.add(uuid);
  }
  return providers.size === granularGroups;
}

/** The provider and its ancestors. */
function lineage(ledger: Ledger, uuid: string): Set<string> {
  const out = new Set<string>();
  for (let at: string | null | undefined = uuid; at; at = ledger.providers.get(at)?.parentUuid) out.add(at);
  return out;
}

/** Is one of `providers` an ancestor (or self) of all the others? */
export function inSameSubtree(ledger: Ledger, providers: ReadonlySet<string>): boolean {
  if (providers.size <= 1) return true;
  let common: Set<string> | undefined;
  for (const uuid of providers) {
    const up = lineage(ledger, uuid);
    common = common ? new Set([...common].filter((u) => up.has(u))) : up;
  }
  return [...common!].some((u) => providers.has(u));
}

function satisfiesSameSubtree(ledger: Ledger, parts: readonly GroupRequest[], sameSubtrees: RequestWide['sameSubtrees']):
  boolean {
  return sameSubtrees.every((suffixes) => {
    const providers = new Set<string>();
    for (const p of parts) for (const s of suffixes) for (const uuid of p.mappings.get(s) ?? []) providers.add(uuid);
    return inSameSubtree(ledger, providers);
  });
}

export function consolidate(parts: readonly GroupRequest[]): AllocationRequest {
  const amounts = new Map<string, ResourceRequest>();
  const mappings = new Map<string, Set<string>>();
  for (const p of parts) {
    for (const r of p.resources) {
      const key = `${r.provider} ${r.resourceClass}`;
      const had = amounts.get(key);
      amounts.set(key, had ? { ...had, amount: had.amount + r.amount } : r);
    }
    for (const [suffix, providers] of p.mappings) {
      const set = mappings.get(suffix) ?? new Set<string>();
      mappings.set(suffix, set);
      for (const uuid of providers) set.add(uuid);
    }
  }
  return { anchor: parts[0]!.anchor, resources: [...amounts.values()], mappings };
}

export function exceedsCapacity(ledger: Ledger, request: AllocationRequest): boolean {
  return request.resources.some((r) => {
    const rp = ledger.providers.get(r.provider)!;
    const inv = rp.inventories.get(r.resourceClass)!;
    return (rp.usages.get(r.resourceClass) ?? 0) + r.amount > Math.trunc(capacityOf(inv)) || r.amount > inv.maxUnit;
  });
}

/** Identity of a request: its resources and mappings, order aside. */
const keyOf = (r: AllocationRequest): string => JSON.stringify([
  r.resources.map((x) => `${x.provider} ${x.resourceClass} ${x.amount}`).sort(),
  [...r.mappings].map(([s, ps]) => [s, [...ps].sort()]).sort(),
]);

export function mergeGroups(ledger: Ledger, answers: ReadonlyMap<string, readonly GroupRequest[]>,
  wide: RequestWide): AllocationRequest[] {
  const suffixes = [...answers.keys()];
  const granularGroups = suffixes.filter((s) => s !== '').length;
  const seen = new Set<string>();
  const out: AllocationRequest[] = [];
  for (const bySuffix of byAnchor(answers).values()) {
    if (suffixes.some((s) => !bySuffix.has(s))) continue;
    for (const parts of product(suffixes.map((s) => bySuffix.get(s)!))) {
      if (!satisfiesGroupPolicy(parts, wide.groupPolicy, granularGroups)) continue;
      if (!satisfiesSameSubtree(ledger, parts, wide.sameSubtrees)) continue;
      const merged = consolidate(parts);
      if (exceedsCapacity(ledger, merged)) continue;
      const key = keyOf(merged);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(merged);
    }
  }
  return out;
}
