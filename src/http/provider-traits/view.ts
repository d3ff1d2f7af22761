/**
 * @module http/provider-traits/view
 * A provider's traits with its generation, and when they last changed.
 */
import type { Ledger } from '../../domain/model.ts';
import { traitsModified } from '../traits/view.ts';

export const providerTraitsView = (traits: Iterable<string>, generation: number) =>
  ({ traits: [...traits], resource_provider_generation: generation });

/** Upstream's time is that of the traits themselves (null: now). */
export const providerTraitsModified = (ledger: Ledger, traits: Iterable<string>): string | null =>
  traitsModified([...traits].flatMap((t) => ledger.traits.get(t) ?? []));
