/**
 * @module http/traits/schemas
 * Trait names and the GET /traits query (upstream's schemas/trait.py).
 */
import { z } from 'zod';

/** Any trait name a provider may be given (TRAIT). */
export const traitName = z.string().min(1).max(255);

/** The only names PUT /traits/{name} creates (CUSTOM_TRAIT). */
export const customTraitName = traitName.regex(/^CUSTOM_[A-Z0-9_]+$/);

export const listTraitsQuery = z.strictObject({
  name: z.string().optional(),
  associated: z.string().optional(),
});
