/**
 * @module http/resource-providers/filters
 * GET /resource_providers filters, parsed by query-filters.ts, answered by
 * the index-driven query in domain/queries/providers.ts; unknown names
 * become upstream's 400 sentences.
 */
import type { Ledger, ResourceProvider } from '../../domain/model.ts';
import { queryProviders } from '../../domain/queries/providers.ts';
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

export function listProviders(ledger: Ledger, f: ProviderFilters): ResourceProvider[] {
  const result = queryProviders(ledger, {
    name: f.name, uuid: f.uuid, inTree: f.inTree,
    requiredTraits: f.traits?.required, forbiddenTraits: f.traits?.forbidden,
    memberOf: f.aggregates?.required, forbiddenAggregates: f.aggregates?.forbidden,
    resources: f.resources,
  });
  if (result.ok) return result.providers;
  const detail = result.unknown === 'trait'
    ? `Invalid trait(s) in "required" parameter: No such trait(s): ${result.name}.`
    : `Invalid resource class in resources parameter: No such resource class ${result.name}.`;
  throw new HttpError({ status: 400, detail });
}
