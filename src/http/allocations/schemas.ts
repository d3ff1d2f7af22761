/**
 * @module http/allocations/schemas
 * Allocation request bodies per microversion (upstream schemas/allocation.py),
 * each derived from the one before; 1.12 reshapes the body and is written
 * out in full.
 */
import { z } from 'zod';
import { byVersion } from '../microversion.ts';
import { pyRepr } from '../py-format.ts';
import { anyInteger, uuidLike } from '../validate.ts';

/** schemas/common.py: RC_PATTERN, its loose UUID_PATTERN, CONSUMER_TYPE_PATTERN, GROUP_PAT_1_33. */
const RC_PATTERN = /^[A-Z0-9_]+$/;
const UUID_PATTERN = /^[0-9a-fA-F-]{36}$/;
const CONSUMER_TYPE_PATTERN = /^[A-Z0-9_]+$/;

/** jsonschema's minProperties, which zod records lack. */
function minProperties<T extends z.ZodType<Record<string, unknown>>>(schema: T, min: number): T {
  return schema.superRefine((value, ctx) => {
    if (Object.keys(value).length < min) {
      ctx.addIssue({ code: 'custom', input: value,
        params: { validator: 'minProperties', message: `${pyRepr(value)} does not have enough properties` } });
    }
  }) as unknown as T;
}

const ownerId = z.string().min(1).max(255);
const resources = minProperties(z.record(z.string().regex(RC_PATTERN), anyInteger().min(1)), 1);

// 1.0: a list of {resource_provider: {uuid}, resources}.
const allocationItem = z.strictObject({
  resource_provider: z.strictObject({ uuid: uuidLike }),
  resources,
});
const putV1_0 = z.strictObject({ allocations: z.array(allocationItem).min(1) });
// 1.8: project and user required.
const putV1_8 = putV1_0.extend({ project_id: ownerId, user_id: ownerId });

// 1.12 reshapes the body (list -> map keyed by provider uuid, as GET shows
// it, with an ignored generation): written out in full.
const byProviderEntry = z.strictObject({ generation: anyInteger().optional(), resources });
const byProvider = z.record(z.string().regex(UUID_PATTERN), byProviderEntry);
const putV1_12 = z.strictObject({
  allocations: minProperties(byProvider, 1),
  project_id: ownerId,
  user_id: ownerId,
});
/** 1.12 with empty allocations allowed (they remove the consumer's): POST's entries. */
const deletable = putV1_12.extend({ allocations: byProvider });
// 1.28: consumer generation required (null: a new consumer); empty allocations allowed.
// Upstream's schema for it carries a stray additionalProperties, which its error text prints.
const consumerGeneration = anyInteger().nullable().meta({ type: ['integer', 'null'], additionalProperties: false });
const putV1_28 = deletable.extend({ consumer_generation: consumerGeneration });
// 1.34: request-group mappings accepted (and not stored). Upstream keys them
// by an unanchored GROUP_PAT_1_33 without additionalProperties: false, so
// any key passes ('' is the unsuffixed group) and every value is checked.
const mappings = minProperties(z.record(z.string(), z.array(uuidLike).min(1)), 1);
const putV1_34 = putV1_28.extend({ mappings: mappings.optional() });
// 1.38: consumer type required.
const consumerType = z.string().regex(CONSUMER_TYPE_PATTERN).min(1).max(255);
const putV1_38 = putV1_34.extend({ consumer_type: consumerType });

export const putAllocations = byVersion<z.ZodType<PutBody>>({
  '1.0': putV1_0, '1.8': putV1_8, '1.12': putV1_12, '1.28': putV1_28, '1.34': putV1_34, '1.38': putV1_38,
});

/** POST /allocations (1.13): many consumers, keyed by consumer uuid. */
const manyConsumers = <T extends z.ZodType>(entry: T) =>
  minProperties(z.record(z.string().regex(UUID_PATTERN), entry), 1);

export const postAllocations = byVersion<z.ZodType<Record<string, DictBody>>>({
  '1.13': manyConsumers(deletable),
  '1.28': manyConsumers(putV1_28),
  '1.34': manyConsumers(putV1_34),
  '1.38': manyConsumers(putV1_38),
});

/** For bodies that embed POST /allocations' consumers (POST /reshaper). */
export {
  minProperties, UUID_PATTERN, putV1_28 as consumerV1_28, putV1_34 as consumerV1_34, putV1_38 as consumerV1_38,
};

/** The dict-shaped body of one consumer (1.12+), the fields of later versions optional. */
export interface DictBody {
  readonly allocations: Record<string, { readonly resources: Record<string, number> }>;
  readonly project_id: string;
  readonly user_id: string;
  readonly consumer_generation?: number | null;
  readonly consumer_type?: string;
}

/** The list-shaped body before 1.12; project and user from 1.8. */
export interface ListBody {
  readonly allocations: ReadonlyArray<{ readonly resource_provider: { readonly uuid: string };
    readonly resources: Record<string, number> }>;
  readonly project_id?: string;
  readonly user_id?: string;
}

export type PutBody = ListBody | DictBody;
