/**
 * @module http/aggregates/view
 * A provider's aggregates as each microversion shows them.
 */
import { atLeast, type Version } from '../microversion.ts';

/** From 1.19 the provider generation comes along. */
export function aggregatesView(aggregates: Iterable<string>, generation: number, v: Version):
  Record<string, unknown> {
  const out: Record<string, unknown> = { aggregates: [...aggregates] };
  if (atLeast(v, '1.19')) out.resource_provider_generation = generation;
  return out;
}
