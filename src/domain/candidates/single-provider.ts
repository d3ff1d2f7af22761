/**
 * @module domain/candidates/single-provider
 * A group satisfied by one provider (a granular group, or any group when no
 * provider shares and no tree is nested): the providers that pass every
 * filter alone, each anchored at its root, and a sharing provider also at
 * the roots it shares with. Reuses GET /resource_providers' query.
 */
import type { Ledger } from '../model.ts';
import { queryProviders } from '../queries/providers.ts';
import { admitsAnchor, type AnchorFilter } from './anchors.ts';
import type { GroupContext } from './group-context.ts';
import { anchorsOf, SHARING_TRAIT } from './sharing.ts';
import type { GroupRequest } from './types.ts';

export function singleProviderRequests(ledger: Ledger, ctx: GroupContext, anchors: AnchorFilter): GroupRequest[] {
  const g = ctx.group;
  const found = queryProviders(ledger, {
    requiredTraits: g.requiredTraits, forbiddenTraits: g.forbiddenTraits,
    memberOf: g.memberOf, forbiddenAggregates: g.forbiddenAggregates,
    resources: g.resources.size > 0 ? g.resources : undefined,
    inTree: g.resources.size > 0 ? g.inTree : undefined,
  });
  if (!found.ok) return [];
  const out: GroupRequest[] = [];
  for (const rp of found.providers) {
    const resources = [...g.resources].map(([resourceClass, amount]) => ({ provider: rp.uuid, resourceClass, amount }));
    const mappings = new Map([[g.suffix, new Set([rp.uuid])]]);
    const request = (anchor: string): GroupRequest => ({ anchor, resources, mappings, useSameProvider: g.useSameProvider });
    if (admitsAnchor(anchors, rp.rootUuid)) out.push(request(rp.rootUuid));
    if (!rp.traits.has(SHARING_TRAIT)) continue;
    for (const anchor of anchorsOf(ledger, rp.uuid)) {
      if (anchor !== rp.rootUuid && admitsAnchor(anchors, anchor)) out.push(request(anchor));
    }
  }
  return out;
}
