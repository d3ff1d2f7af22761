/**
 * @module http/provider-traits/schemas
 * PUT /resource_providers/{uuid}/traits (upstream's SET_TRAITS_FOR_RP_SCHEMA).
 */
import { z } from 'zod';
import { traitName } from '../traits/schemas.ts';
import { anyInteger } from '../validate.ts';

export const putProviderTraits = z.strictObject({
  traits: z.array(traitName),
  resource_provider_generation: anyInteger(),
});
