/**
 * @module domain/candidates/group-context
 * Stage 1 of one group: look its names up and find, per resource class,
 * the providers with room for the amount (from the class index). Answers
 * upstream's early exits in its order: an unknown class, no provider in
 * the member_of aggregates (empty), an unknown trait, an unknown in_tree
 * provider (empty), a class nobody can supply (empty).
 */
import type { Ledger } from '../model.ts';
import { hasCapacity } from '../queries/providers.ts';
import type { RequestGroup } from './types.ts';

export interface GroupContext {
  readonly group: RequestGroup;
  /** Providers in every member_of group; null when no member_of was asked. */
  readonly inAggregates: ReadonlySet<string> | null;
  /** Root of the in_tree tree, when asked. */
  readonly treeRoot: string | undefined;
  /** Class -> providers with capacity for the amount. */
  readonly withResource: ReadonlyMap<string, ReadonlySet<string>>;
}

export type GroupContextResult =
  | { readonly ok: true; readonly context: GroupContext }
  | { readonly ok: 'empty' }
  | { readonly ok: false; readonly unknown: 'trait' | 'resourceClass'; readonly name: string };

const EMPTY: ReadonlySet<string> = new Set();

/** Providers in one aggregate of every set (AND of ORs), from the aggregate index. */
export function providersInAggregates(ledger: Ledger, memberOf: readonly ReadonlySet<string>[]): Set<string> {
  let out: Set<string> | undefined;
  for (const any of memberOf) {
    const here = new Set<string>();
    for (const agg of any) for (const uuid of ledger.providersByAggregate.get(agg) ?? EMPTY) here.add(uuid);
    out = out ? new Set([...out].filter((u) => here.has(u))) : here;
    if (out.size === 0) return out;
  }
  return out ?? new Set();
}

/** Providers with capacity for `amount` of `rc`, optionally in one tree. */
export function providersWithResource(ledger: Ledger, rc: string, amount: number, treeRoot?: string): Set<string> {
  const out = new Set<string>();
  for (const uuid of ledger.providersByClass.get(rc) ?? EMPTY) {
    const rp = ledger.providers.get(uuid);
    if (rp && (treeRoot === undefined || rp.rootUuid === treeRoot) && hasCapacity(rp, rc, amount)) out.add(uuid);
  }
  return out;
}

export function groupContext(ledger: Ledger, group: RequestGroup): GroupContextResult {
  for (const rc of group.resources.keys()) {
    if (!ledger.resourceClasses.has(rc)) return { ok: false, unknown: 'resourceClass', name: rc };
  }
  let inAggregates: Set<string> | null = null;
  if (group.memberOf.length > 0) {
    inAggregates = providersInAggregates(ledger, group.memberOf);
    if (inAggregates.size === 0) return { ok: 'empty' };
  }
  const traits = [...group.requiredTraits.flatMap((any) => [...any]), ...group.forbiddenTraits];
  const unknown = traits.find((t) => !ledger.traits.has(t));
  if (unknown !== undefined) return { ok: false, unknown: 'trait', name: unknown };
  let treeRoot: string | undefined;
  if (group.inTree !== undefined) {
    treeRoot = ledger.providers.get(group.inTree)?.rootUuid;
    if (treeRoot === undefined) return { ok: 'empty' };
  }
  const withResource = new Map<string, ReadonlySet<string>>();
  for (const [rc, amount] of group.resources) {
    const found = providersWithResource(ledger, rc, amount, treeRoot);
    if (found.size === 0) return { ok: 'empty' };
    withResource.set(rc, found);
  }
  return { ok: true, context: { group, inAggregates, treeRoot, withResource } };
}
