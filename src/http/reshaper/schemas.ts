/**
 * @module http/reshaper/schemas
 * POST /reshaper bodies per microversion (upstream schemas/reshaper.py):
 * every provider's PUT .../inventories body, keyed by provider uuid, and
 * POST /allocations' consumers of the same version, which here may be none
 * (nothing may be allocated, yet, to what moves).
 */
import { z } from 'zod';
import { byVersion } from '../microversion.ts';
import {
  consumerV1_28, consumerV1_34, consumerV1_38, minProperties, UUID_PATTERN, type DictBody,
} from '../allocations/schemas.ts';
import { putInventories } from '../inventories/schemas.ts';

// At least one provider: a reshape without inventories has no reason to be.
const inventories = minProperties(z.record(z.string().regex(UUID_PATTERN), putInventories), 1);
const consumers = (entry: z.ZodType<DictBody>) => z.record(z.string().regex(UUID_PATTERN), entry);

// 1.30: consumers as POST /allocations takes them at 1.28 (generation required).
const postV1_30 = z.strictObject({ inventories, allocations: consumers(consumerV1_28) });
// 1.34: mappings accepted.
const postV1_34 = postV1_30.extend({ allocations: consumers(consumerV1_34) });
// 1.38: consumer_type required.
const postV1_38 = postV1_30.extend({ allocations: consumers(consumerV1_38) });

export const postReshaper = byVersion<z.ZodType<ReshaperBody>>({
  '1.30': postV1_30, '1.34': postV1_34, '1.38': postV1_38,
});

export interface ReshaperBody {
  readonly inventories: Record<string, z.output<typeof putInventories>>;
  readonly allocations: Record<string, DictBody>;
}
