/**
 * @module domain/queries/traits
 * GET /traits over the ledger (upstream's trait get_all with filters):
 * an `in:` list of names, a name prefix, and whether any provider
 * carries the trait. Pure; reads only.
 */
import type { Ledger, Trait } from '../model.ts';

export interface TraitQuery {
  /** Exactly these names (unknown ones are skipped). */
  readonly nameIn?: readonly string[];
  /** Names starting with this, as SQL `LIKE 'prefix%'` reads it (`_` and `%` are wildcards). */
  readonly prefix?: string;
  /** true: only traits some provider has; false: only traits none has. */
  readonly associated?: boolean;
}

const isAssociated = (ledger: Ledger, name: string): boolean =>
  (ledger.providersByTrait.get(name)?.size ?? 0) > 0;

/** SQL LIKE of `prefix%`: `_` any one character, `%` any run, case folded. */
export function likePrefix(prefix: string): (name: string) => boolean {
  const source = [...prefix].map((ch) => (ch === '_' ? '.' : ch === '%' ? '.*' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${source}`, 'si');
  return (name) => re.test(name);
}

/** The matching traits; ledger order, or the order of `nameIn` when given. */
export function listTraits(ledger: Ledger, q: TraitQuery): Trait[] {
  const candidates: Iterable<Trait> = q.nameIn
    ? [...new Set(q.nameIn)].flatMap((n) => ledger.traits.get(n) ?? [])
    : ledger.traits.values();
  const matches = q.prefix === undefined ? undefined : likePrefix(q.prefix);
  const out: Trait[] = [];
  for (const trait of candidates) {
    if (matches && !matches(trait.name)) continue;
    if (q.associated !== undefined && isAssociated(ledger, trait.name) !== q.associated) continue;
    out.push(trait);
  }
  return out;
}
