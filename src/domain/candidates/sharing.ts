/**
 * @module domain/candidates/sharing
 * Sharing providers (trait MISC_SHARES_VIA_AGGREGATE) and the anchors they
 * serve: the roots of every tree with a provider in one of the sharing
 * provider's aggregates (its own root included, when it has aggregates).
 */
import type { Ledger } from '../model.ts';

export const SHARING_TRAIT = 'MISC_SHARES_VIA_AGGREGATE';

const EMPTY: ReadonlySet<string> = new Set();

export const sharingProviders = (ledger: Ledger): ReadonlySet<string> =>
  ledger.providersByTrait.get(SHARING_TRAIT) ?? EMPTY;

/** Roots of the trees that share an aggregate with `sharing`. */
export function anchorsOf(ledger: Ledger, sharing: string): Set<string> {
  const anchors = new Set<string>();
  for (const agg of ledger.providers.get(sharing)?.aggregates ?? EMPTY) {
    for (const uuid of ledger.providersByAggregate.get(agg) ?? EMPTY) {
      const root = ledger.providers.get(uuid)?.rootUuid;
      if (root !== undefined) anchors.add(root);
    }
  }
  return anchors;
}

/** Does any provider have a parent? (Below 1.29 such candidates are dropped.) */
export function hasTrees(ledger: Ledger): boolean {
  for (const rp of ledger.providers.values()) if (rp.parentUuid !== null) return true;
  return false;
}
