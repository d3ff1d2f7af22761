/**
 * @module http/aggregates/schemas
 * PUT /resource_providers/{uuid}/aggregates per microversion (upstream's
 * schemas/aggregate.py).
 */
import { z } from 'zod';
import { byVersion } from '../microversion.ts';
import { pyRepr } from '../py-format.ts';
import { anyInteger, uuidLike } from '../validate.ts';

const unique = (xs: readonly string[]): boolean => new Set(xs).size === xs.length;

const aggregateList = z.array(uuidLike).superRefine((xs, ctx) => {
  if (!unique(xs)) {
    ctx.addIssue({ code: 'custom', input: xs, params: { validator: 'uniqueItems', message:
      `${pyRepr(xs)} has non-unique elements` } });
  }
}).meta({ uniqueItems: true });

const putV1_1 = aggregateList;
// 1.19 wraps the list in an object with the provider generation: written out in full.
const putV1_19 = z.strictObject({ aggregates: aggregateList, resource_provider_generation: anyInteger() });

export const putAggregates = byVersion<z.ZodType<string[] | { aggregates: string[];
  resource_provider_generation: number }>>({ '1.1': putV1_1, '1.19': putV1_19 });
