/**
 * @module http/traits/view
 * Trait lists as Placement shows them, and their last-modified times.
 */
import type { Trait } from '../../domain/model.ts';
import { latest } from '../responses.ts';

export const traitUrl = (name: string): string => `/traits/${name}`;

export const traitsView = (names: Iterable<string>): { traits: string[] } => ({ traits: [...names] });

/** Standard traits carry no time (null): the answer is then "now". */
export const traitModified = (t: Trait): string | null => t.updatedAt ?? t.createdAt;

/** The latest change among `traits`; null (now) when none is known. */
export const traitsModified = (traits: Iterable<Trait>): string | null =>
  latest([...traits].map(traitModified));
