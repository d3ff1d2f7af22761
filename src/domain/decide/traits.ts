/**
 * @module domain/decide/traits
 * Custom traits, and the traits and aggregates a provider carries.
 */
import type { Ledger } from '../model.ts';
import type { CreateTrait, DeleteTrait, SetProviderAggregates, SetProviderTraits } from '../commands.ts';
import { reject } from '../rejections.ts';
import { accept, refuse, type Decision } from './decision.ts';

/** Upstream's sentence for a stale provider generation on traits and aggregates. */
export const GENERATION_CHANGED = "Resource provider's generation already changed. " +
  'Please update the generation and try again.';

export function decideCreateTrait(ledger: Ledger, cmd: CreateTrait): Decision {
  return ledger.traits.has(cmd.name) ? accept() : accept({ type: 'TraitCreated', name: cmd.name });
}

export function decideDeleteTrait(ledger: Ledger, cmd: DeleteTrait): Decision {
  const trait = ledger.traits.get(cmd.name);
  if (!trait) return refuse(reject('NotFound', `No such trait(s): ${cmd.name}.`));
  if (trait.standard) return refuse(reject('BadRequest', `Cannot delete standard trait ${cmd.name}.`));
  if ((ledger.providersByTrait.get(cmd.name)?.size ?? 0) > 0) {
    return refuse(reject('Conflict', `The trait ${cmd.name} is in use by a resource provider.`));
  }
  return accept({ type: 'TraitDeleted', name: cmd.name });
}

export function decideSetProviderTraits(ledger: Ledger, cmd: SetProviderTraits): Decision {
  const rp = ledger.providers.get(cmd.uuid);
  if (!rp) return refuse(reject('NotFound', `No resource provider with uuid ${cmd.uuid} found`));
  if (cmd.generation !== null && cmd.generation !== rp.generation) {
    return refuse(reject('ProviderGenerationConflict', GENERATION_CHANGED));
  }
  const missing = cmd.traits.filter((t) => !ledger.traits.has(t));
  if (missing.length > 0) return refuse(reject('BadRequest', `No such trait ${missing.join(', ')}`));
  // Upstream leaves the provider (and its generation) alone when the set is unchanged.
  const wanted = new Set(cmd.traits);
  if (wanted.size === rp.traits.size && [...wanted].every((t) => rp.traits.has(t))) return accept();
  return accept({
    type: 'ProviderTraitsReplaced', uuid: rp.uuid, generation: rp.generation + 1, traits: [...wanted],
  });
}

export function decideSetProviderAggregates(ledger: Ledger, cmd: SetProviderAggregates): Decision {
  const rp = ledger.providers.get(cmd.uuid);
  if (!rp) return refuse(reject('NotFound', `No resource provider with uuid ${cmd.uuid} found`));
  if (cmd.generation !== null && cmd.generation !== rp.generation) {
    return refuse(reject('ProviderGenerationConflict', GENERATION_CHANGED));
  }
  return accept({
    type: 'ProviderAggregatesReplaced', uuid: rp.uuid,
    generation: cmd.bumpGeneration ? rp.generation + 1 : rp.generation,
    aggregates: [...new Set(cmd.aggregates)],
  });
}
