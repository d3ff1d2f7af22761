/**
 * @module domain/candidates/tree-providers
 * The unsuffixed group over trees and sharing providers: per class, the
 * (provider, anchor root) pairs that can supply it, filtered by anchors and
 * aggregates (a provider passes when it or its anchor is a member), kept
 * only in trees that can supply every class; then one request per choice
 * of provider for each class whose providers together have the required
 * traits and none has a forbidden one.
 */
import type { Ledger } from '../model.ts';
import { admitsAnchor, type AnchorFilter } from './anchors.ts';
import { providersInAggregates, type GroupContext } from './group-context.ts';
import { product } from './product.ts';
import { anchorsOf } from './sharing.ts';
import type { GroupRequest, ResourceRequest } from './types.ts';

/** One provider able to supply one class for a tree anchored at `anchor`. */
interface Supplier {
  readonly provider: string;
  readonly anchor: string;
}

/** The suppliers of one class, before the cross-class tree intersection. */
function suppliersOf(ledger: Ledger, ctx: GroupContext, rc: string, sharing: ReadonlySet<string>,
  anchors: AnchorFilter, badAggregates: ReadonlySet<string>): Supplier[] {
  const able = ctx.withResource.get(rc) ?? new Set<string>();
  const out: Supplier[] = [];
  for (const provider of able) out.push({ provider, anchor: ledger.providers.get(provider)!.rootUuid });
  if (ctx.treeRoot === undefined) {
    for (const s of sharing) {
      if (!able.has(s) || (ctx.inAggregates && !ctx.inAggregates.has(s))) continue;
      const ownRoot = ledger.providers.get(s)!.rootUuid;
      for (const anchor of anchorsOf(ledger, s)) if (anchor !== ownRoot) out.push({ provider: s, anchor });
    }
  }
  const inAggs = ctx.inAggregates;
  return out.filter((x) => admitsAnchor(anchors, x.anchor) &&
    (!inAggs || inAggs.has(x.provider) || inAggs.has(x.anchor)) &&
    !badAggregates.has(x.provider) && !badAggregates.has(x.anchor));
}

/** Per anchor, per class (in request order), the providers that can supply it. */
function suppliersByAnchor(ledger: Ledger, ctx: GroupContext, sharing: ReadonlySet<string>,
  anchors: AnchorFilter): Map<string, Map<string, string[]>> | null {
  const g = ctx.group;
  const bad = g.forbiddenAggregates.size > 0 ? providersInAggregates(ledger, [g.forbiddenAggregates]) : new Set<string>();
  let trees: Set<string> | undefined;
  const perClass = new Map<string, Supplier[]>();
  for (const rc of g.resources.keys()) {
    const found = suppliersOf(ledger, ctx, rc, sharing, anchors, bad);
    if (found.length === 0) return null;
    const here = new Set(found.map((x) => x.anchor));
    trees = trees ? new Set([...trees].filter((t) => here.has(t))) : here;
    if (trees.size === 0) return null;
    perClass.set(rc, found);
  }
  const out = new Map<string, Map<string, string[]>>();
  for (const [rc, found] of perClass) {
    for (const x of found) {
      if (!trees!.has(x.anchor)) continue;
      const byClass = out.get(x.anchor) ?? new Map<string, string[]>();
      out.set(x.anchor, byClass);
      const providers = byClass.get(rc) ?? [];
      byClass.set(rc, providers);
      providers.push(x.provider);
    }
  }
  return out;
}

/** Do the chosen providers together satisfy the group's traits? */
function traitsHold(ledger: Ledger, ctx: GroupContext, providers: readonly string[]): boolean {
  const have = new Set<string>();
  for (const uuid of providers) {
    const traits = ledger.providers.get(uuid)!.traits;
    for (const t of ctx.group.forbiddenTraits) if (traits.has(t)) return false;
    for (const t of traits) have.add(t);
  }
  return ctx.group.requiredTraits.every((any) => [...any].some((t) => have.has(t)));
}

export function treeRequests(ledger: Ledger, ctx: GroupContext, sharing: ReadonlySet<string>,
  anchors: AnchorFilter): GroupRequest[] {
  const byAnchor = suppliersByAnchor(ledger, ctx, sharing, anchors);
  if (!byAnchor) return [];
  const g = ctx.group;
  const classes = [...g.resources.keys()];
  const out: GroupRequest[] = [];
  for (const [anchor, byClass] of byAnchor) {
    if (classes.some((rc) => !byClass.has(rc))) continue;
    for (const choice of product(classes.map((rc) => byClass.get(rc)!))) {
      if (!traitsHold(ledger, ctx, choice)) continue;
      const resources: ResourceRequest[] = choice.map((provider, i) =>
        ({ provider, resourceClass: classes[i]!, amount: g.resources.get(classes[i]!)! }));
      out.push({ anchor, resources, mappings: new Map([[g.suffix, new Set(choice)]]), useSameProvider: false });
    }
  }
  return out;
}
