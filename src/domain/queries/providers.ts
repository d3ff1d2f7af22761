/**
 * @module domain/queries/providers
 * GET /resource_providers filtering over the ledger's indexes (upstream's
 * get_all_by_filters): name, uuid, in_tree, required / forbidden traits,
 * member_of / forbidden aggregates, and resources with capacity. Pure.
 *
 * The most selective index (a name, a uuid, a trait, aggregate or class
 * set) drives; every other filter is a per-provider check, so no request
 * walks all providers unless it has no positive filter at all.
 *
 * Unknown names and empty results follow upstream's order: a missing
 * in_tree provider, or no provider with the required traits or aggregates,
 * answers an empty list before later names are looked up.
 */
import { capacityOf, violatesConstraints } from '../capacity.ts';
import type { Ledger, ResourceProvider } from '../model.ts';

export interface ProviderQuery {
  readonly name?: string;
  readonly uuid?: string;
  /** Any provider of the tree; results are that tree's providers. */
  readonly inTree?: string;
  /** AND of ORs: each set needs one of its traits. */
  readonly requiredTraits?: readonly ReadonlySet<string>[];
  readonly forbiddenTraits?: ReadonlySet<string>;
  /** AND of ORs: each set needs one of its aggregates. */
  readonly memberOf?: readonly ReadonlySet<string>[];
  readonly forbiddenAggregates?: ReadonlySet<string>;
  /** Amounts per class; each needs free capacity and a fitting amount. */
  readonly resources?: ReadonlyMap<string, number>;
}

export type ProviderQueryResult =
  | { readonly ok: true; readonly providers: ResourceProvider[] }
  | { readonly ok: false; readonly unknown: 'trait' | 'resourceClass'; readonly name: string };

/** Room for `amount` more of `rc`, and an amount the inventory accepts. */
export function hasCapacity(rp: ResourceProvider, rc: string, amount: number): boolean {
  const inv = rp.inventories.get(rc);
  if (!inv) return false;
  return (rp.usages.get(rc) ?? 0) + amount <= capacityOf(inv) && !violatesConstraints(inv, amount);
}

const EMPTY: ReadonlySet<string> = new Set();

/** Providers in any of `keys`'s sets of `index`. */
function unionOf(index: ReadonlyMap<string, ReadonlySet<string>>, keys: ReadonlySet<string>): ReadonlySet<string> {
  const sets = [...keys].map((k) => index.get(k) ?? EMPTY).filter((s) => s.size > 0);
  if (sets.length <= 1) return sets[0] ?? EMPTY;
  const out = new Set<string>();
  for (const s of sets) for (const uuid of s) out.add(uuid);
  return out;
}

const hasAny = (have: ReadonlySet<string>, wanted: ReadonlySet<string>): boolean => {
  for (const w of wanted) if (have.has(w)) return true;
  return false;
};

/** One positive filter as a candidate set and, for the others, a check. */
interface Narrowing {
  readonly candidates: ReadonlySet<string>;
  readonly admits: (rp: ResourceProvider) => boolean;
}

/** Groups (AND of ORs) over an index; null when some group matches no provider at all. */
function groupsNarrowing(index: ReadonlyMap<string, ReadonlySet<string>>, groups: readonly ReadonlySet<string>[],
  have: (rp: ResourceProvider) => ReadonlySet<string>): Narrowing[] | null {
  const out: Narrowing[] = [];
  for (const g of groups) {
    const candidates = unionOf(index, g);
    if (candidates.size === 0) return null;
    out.push({ candidates, admits: (rp) => hasAny(have(rp), g) });
  }
  return out;
}

/** Does some provider pass every narrowing? Walks only the smallest candidate set. */
function anyMatch(ledger: Ledger, narrowings: readonly Narrowing[]): boolean {
  const [driver, ...rest] = [...narrowings].sort((a, b) => a.candidates.size - b.candidates.size);
  if (!driver) return true;
  for (const uuid of driver.candidates) {
    const rp = ledger.providers.get(uuid);
    if (rp && rest.every((n) => n.admits(rp))) return true;
  }
  return false;
}

interface Found {
  readonly ok: true;
  readonly positive: Narrowing[];
  readonly checks: ((rp: ResourceProvider) => boolean)[];
  /** Root of the in_tree tree, when asked. */
  readonly tree: string | undefined;
}
type Stop = { ok: false; result: ProviderQueryResult };

const none = (): Stop => ({ ok: false, result: { ok: true, providers: [] } });

/** The filters as narrowings and checks, with upstream's lookups and early empty answers. */
function plan(ledger: Ledger, q: ProviderQuery): Found | Stop {
  const positive: Narrowing[] = [];
  const checks: ((rp: ResourceProvider) => boolean)[] = [];
  let tree: string | undefined;
  if (q.name !== undefined) {
    const uuid = ledger.providerNames.get(q.name);
    positive.push({ candidates: new Set(uuid ? [uuid] : []), admits: (rp) => rp.name === q.name });
  }
  if (q.uuid !== undefined) {
    const uuid = q.uuid;
    positive.push({ candidates: new Set(ledger.providers.has(uuid) ? [uuid] : []), admits: (rp) => rp.uuid === uuid });
  }
  if (q.inTree !== undefined) {
    const root = ledger.providers.get(q.inTree)?.rootUuid;
    if (root === undefined) return none();
    tree = root;
    checks.push((rp) => rp.rootUuid === root);
  }
  if (q.requiredTraits && q.requiredTraits.length > 0) {
    const unknown = q.requiredTraits.flatMap((g) => [...g]).find((t) => !ledger.traits.has(t));
    if (unknown !== undefined) return { ok: false, result: { ok: false, unknown: 'trait', name: unknown } };
    const traits = groupsNarrowing(ledger.providersByTrait, q.requiredTraits, (rp) => rp.traits);
    if (!traits || !anyMatch(ledger, traits)) return none();
    positive.push(...traits);
  }
  if (q.forbiddenTraits && q.forbiddenTraits.size > 0) {
    const forbidden = q.forbiddenTraits;
    const unknown = [...forbidden].find((t) => !ledger.traits.has(t));
    if (unknown !== undefined) return { ok: false, result: { ok: false, unknown: 'trait', name: unknown } };
    checks.push((rp) => !hasAny(rp.traits, forbidden));
  }
  if (q.memberOf && q.memberOf.length > 0) {
    const aggs = groupsNarrowing(ledger.providersByAggregate, q.memberOf, (rp) => rp.aggregates);
    if (!aggs || !anyMatch(ledger, aggs)) return none();
    positive.push(...aggs);
  }
  if (q.forbiddenAggregates && q.forbiddenAggregates.size > 0) {
    const forbidden = q.forbiddenAggregates;
    checks.push((rp) => !hasAny(rp.aggregates, forbidden));
  }
  for (const [rc, amount] of q.resources ?? []) {
    if (!ledger.resourceClasses.has(rc)) return { ok: false, result: { ok: false, unknown: 'resourceClass', name: rc } };
    positive.push({ candidates: ledger.providersByClass.get(rc) ?? EMPTY, admits: (rp) => hasCapacity(rp, rc, amount) });
  }
  return { ok: true, positive, checks, tree };
}

/** The providers of the tree under `root`, walked through children (each visited once). */
function treeOf(ledger: Ledger, root: string): Set<string> {
  const seen = new Set<string>([root]);
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    for (const child of ledger.providers.get(queue[i]!)?.children ?? EMPTY) {
      if (!seen.has(child)) {
        seen.add(child);
        queue.push(child);
      }
    }
  }
  return seen;
}

/** Creation order; ties (same instant) by uuid. */
const byCreation = (a: ResourceProvider, b: ResourceProvider): number =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0;

export function queryProviders(ledger: Ledger, q: ProviderQuery): ProviderQueryResult {
  const p = plan(ledger, q);
  if (!p.ok) return p.result;
  const all = [...p.positive.map((n) => n.admits), ...p.checks];
  const passes = (rp: ResourceProvider): boolean => all.every((ok) => ok(rp));
  const [driver] = [...p.positive].sort((a, b) => a.candidates.size - b.candidates.size);
  // No index narrows: the tree, walked from its root, or (no positive filter at all) every provider.
  const candidates = driver?.candidates ?? (p.tree !== undefined ? treeOf(ledger, p.tree) : undefined);
  if (!candidates) return { ok: true, providers: [...ledger.providers.values()].filter(passes) };
  const providers: ResourceProvider[] = [];
  for (const uuid of candidates) {
    const rp = ledger.providers.get(uuid);
    if (rp && passes(rp)) providers.push(rp);
  }
  return { ok: true, providers: providers.sort(byCreation) };
}
