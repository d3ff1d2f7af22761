/**
 * @module http/resource-classes/schemas
 * Request shapes (upstream's schemas/resource_class.py): one custom class name.
 */
import { z } from 'zod';
import { byVersion } from '../microversion.ts';

/** Custom resource class (and trait) names. */
export const customName = z.string().regex(/^CUSTOM_[A-Z0-9_]+$/).max(255);

const nameV1_2 = z.strictObject({ name: customName });
export const postResourceClass = byVersion({ '1.2': nameV1_2 });
// 1.7 keeps the shape but validates the name from the URL, not a body.
export const putResourceClass = byVersion({ '1.2': nameV1_2 });
