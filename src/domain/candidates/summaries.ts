/**
 * @module domain/candidates/summaries
 * Provider summaries: every provider of every tree a candidate draws from,
 * with capacity ((total - reserved) * ratio, truncated) and usage of each
 * inventory, and its traits in the order they were defined (standard ones
 * first, as upstream lists them by trait id).
 */
import { capacityOf } from '../capacity.ts';
import type { Ledger, ResourceProvider } from '../model.ts';
import type { AllocationRequest, ProviderSummary } from './types.ts';

/** Trait name -> definition rank. */
export type TraitOrder = ReadonlyMap<string, number>;

export const traitOrder = (ledger: Ledger): TraitOrder => new Map([...ledger.traits.keys()].map((t, i) => [t, i]));

export function summaryOf(rp: ResourceProvider, order: TraitOrder): ProviderSummary {
  return {
    uuid: rp.uuid, parentUuid: rp.parentUuid, rootUuid: rp.rootUuid,
    resources: [...rp.inventories].map(([resourceClass, inv]) =>
      ({ resourceClass, capacity: Math.trunc(capacityOf(inv)), used: rp.usages.get(resourceClass) ?? 0 })),
    traits: [...rp.traits].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
  };
}

/** The providers of the trees under `roots`, walked from each root. */
export function treeProviders(ledger: Ledger, roots: Iterable<string>): ResourceProvider[] {
  const out: ResourceProvider[] = [];
  const queue = [...roots];
  const seen = new Set(queue);
  for (let i = 0; i < queue.length; i++) {
    const rp = ledger.providers.get(queue[i]!);
    if (!rp) continue;
    out.push(rp);
    for (const child of rp.children) if (!seen.has(child)) seen.add(child), queue.push(child);
  }
  return out;
}

/** Roots of the providers the requests use. */
export function rootsUsed(ledger: Ledger, requests: readonly AllocationRequest[]): Set<string> {
  const roots = new Set<string>();
  for (const r of requests) for (const x of r.resources) roots.add(ledger.providers.get(x.provider)!.rootUuid);
  return roots;
}

export function summariesFor(ledger: Ledger, requests: readonly AllocationRequest[]): ProviderSummary[] {
  const order = traitOrder(ledger);
  return treeProviders(ledger, rootsUsed(ledger, requests)).map((rp) => summaryOf(rp, order));
}
