/**
 * @module http/resource-providers/view
 * A provider as each microversion shows it.
 */
import type { ResourceProvider } from '../../domain/model.ts';
import { atLeast, byVersion, type Version } from '../microversion.ts';

const linkRels = byVersion({
  '1.0': ['inventories', 'usages'],
  '1.1': ['inventories', 'usages', 'aggregates'],
  '1.6': ['inventories', 'usages', 'aggregates', 'traits'],
  '1.11': ['inventories', 'usages', 'aggregates', 'traits', 'allocations'],
});

export const providerUrl = (uuid: string): string => `/resource_providers/${uuid}`;

/** The fields a view needs; a ledger provider or the facts of an event. */
export type ProviderFacts = Pick<ResourceProvider, 'uuid' | 'name' | 'generation' | 'parentUuid' | 'rootUuid'>;

export function providerView(rp: ProviderFacts, v: Version): Record<string, unknown> {
  const url = providerUrl(rp.uuid);
  const out: Record<string, unknown> = {
    uuid: rp.uuid,
    name: rp.name,
    generation: rp.generation,
    links: [{ rel: 'self', href: url }, ...linkRels(v).map((rel) => ({ rel, href: `${url}/${rel}` }))],
  };
  if (atLeast(v, '1.14')) {
    out.parent_provider_uuid = rp.parentUuid;
    out.root_provider_uuid = rp.rootUuid;
  }
  return out;
}

/** When the provider last changed, for last-modified. */
export const providerModified = (rp: ResourceProvider): string => rp.updatedAt || rp.createdAt;
