/**
 * @module http/usages/schemas
 * The query string of GET /usages (upstream schemas/usage.py).
 */
import { z } from 'zod';
import { byVersion } from '../microversion.ts';

const ownerId = z.string().min(1).max(255);

// 1.9: a project is required, a user optional, nothing else.
const usagesV1_9 = z.strictObject({ project_id: ownerId, user_id: ownerId.optional() });
// 1.38: filter by consumer type; 'all' and 'unknown' are special. The
// pattern is upstream's CONSUMER_TYPE_GET_PATTERN, '^all' unanchored at the end.
const consumerTypeFilter = z.string().regex(/^[A-Z0-9_]+$|^all|^unknown$/).min(1).max(255);
const usagesV1_38 = usagesV1_9.extend({ consumer_type: consumerTypeFilter.optional() });

export interface UsagesQuery {
  readonly project_id: string;
  readonly user_id?: string;
  readonly consumer_type?: string;
}

export const usagesQuery = byVersion<z.ZodType<UsagesQuery>>({ '1.9': usagesV1_9, '1.38': usagesV1_38 });
