/**
 * @module http/resource-providers/filter
 * GET /resource_providers filtering over the ledger (upstream's
 * get_all_by_filters): name, uuid, in_tree, traits, aggregates, capacity.
 * Results keep creation order.
 */
import { capacityOf, violatesConstraints } from '../../domain/capacity.ts';
import type { Ledger, ResourceProvider } from '../../domain/model.ts';
import { HttpError } from '../error-format.ts';
import type { AggregateFilter, TraitFilter } from '../query-filters.ts';

export interface ProviderFilters {
  readonly name?: string;
  readonly uuid?: string;
  readonly inTree?: string;
  readonly traits?: TraitFilter;
  readonly aggregates?: AggregateFilter;
  readonly resources?: ReadonlyMap<string, number>;
}

const bad = (detail: string): HttpError => new HttpError({ status: 400, detail });

/** Upstream looks names up before filtering: unknown ones are a 400. */
function checkNames(ledger: Ledger, f: ProviderFilters): void {
  for (const any of f.traits?.required ?? []) {
    const missing = [...any].filter((t) => !ledger.traits.has(t));
    if (missing.length > 0) throw bad(`Invalid trait(s) in "required" parameter: No such trait(s): ${missing[0]}.`);
  }
  const forbiddenMissing = [...(f.traits?.forbidden ?? [])].filter((t) => !ledger.traits.has(t));
  if (forbiddenMissing.length > 0) {
    throw bad(`Invalid trait(s) in "required" parameter: No such trait(s): ${forbiddenMissing.join(', ')}.`);
  }
  for (const rc of f.resources?.keys() ?? []) {
    if (!ledger.resourceClasses.has(rc)) {
      throw bad(`Invalid resource class in resources parameter: No such resource class ${rc}.`);
    }
  }
}

function hasCapacity(rp: ResourceProvider, rc: string, amount: number): boolean {
  const inv = rp.inventories.get(rc);
  if (!inv) return false;
  const used = rp.usages.get(rc) ?? 0;
  return used + amount <= capacityOf(inv) && !violatesConstraints(inv, amount);
}

export function filterProviders(ledger: Ledger, f: ProviderFilters): ResourceProvider[] {
  checkNames(ledger, f);
  let rootId: string | undefined;
  if (f.inTree !== undefined) {
    const top = ledger.providers.get(f.inTree);
    if (!top) return [];
    rootId = top.rootUuid;
  }
  const out: ResourceProvider[] = [];
  for (const rp of ledger.providers.values()) {
    if (f.name !== undefined && rp.name !== f.name) continue;
    if (f.uuid !== undefined && rp.uuid !== f.uuid) continue;
    if (rootId !== undefined && rp.rootUuid !== rootId) continue;
    if (f.traits) {
      if (!f.traits.required.every((any) => [...any].some((t) => rp.traits.has(t)))) continue;
      if ([...f.traits.forbidden].some((t) => rp.traits.has(t))) continue;
    }
    if (f.aggregates) {
      if (!f.aggregates.required.every((any) => [...any].some((a) => rp.aggregates.has(a)))) continue;
      if ([...f.aggregates.forbidden].some((a) => rp.aggregates.has(a))) continue;
    }
    if (f.resources && ![...f.resources].every(([rc, amount]) => hasCapacity(rp, rc, amount))) continue;
    out.push(rp);
  }
  return out;
}
