/**
 * @module http/resource-providers/schemas
 * Request shapes per microversion (upstream's schemas/resource_provider.py).
 */
import { z } from 'zod';
import { byVersion } from '../microversion.ts';
import { uuidLike, uuidStrict } from '../validate.ts';

const name = z.string().max(200);
const parentUuid = z.union([uuidLike, z.null()]);

const postV1_0 = z.strictObject({ name, uuid: uuidLike.optional() });
// 1.14: nested providers
const postV1_14 = postV1_0.extend({ parent_provider_uuid: parentUuid.optional() });
export const postProvider = byVersion<z.ZodType<PostProvider>>({ '1.0': postV1_0, '1.14': postV1_14 });
export type PostProvider = z.output<typeof postV1_14>;

const putV1_0 = z.strictObject({ name });
const putV1_14 = putV1_0.extend({ parent_provider_uuid: parentUuid.optional() });
export const putProvider = byVersion<z.ZodType<PutProvider>>({ '1.0': putV1_0, '1.14': putV1_14 });
export type PutProvider = z.output<typeof putV1_14>;

const listV1_0 = z.strictObject({ name: z.string().optional(), uuid: uuidStrict.optional() });
const listV1_3 = listV1_0.extend({ member_of: z.string().optional() });
const listV1_4 = listV1_3.extend({ resources: z.string().optional() });
const listV1_14 = listV1_4.extend({ in_tree: uuidStrict.optional() });
const listV1_18 = listV1_14.extend({ required: z.string().optional() });
export const listQuery = byVersion<z.ZodType<ListQuery>>({
  '1.0': listV1_0, '1.3': listV1_3, '1.4': listV1_4, '1.14': listV1_14, '1.18': listV1_18,
});
export type ListQuery = z.output<typeof listV1_18>;
