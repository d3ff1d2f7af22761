/**
 * @module http/inventories/schemas
 * Inventory request bodies (upstream schemas/inventory.py). They do not
 * vary by microversion; 1.26 changes only the capacity rule, which the
 * command carries as a flag.
 */
import { z } from 'zod';
import { MAX_INT } from '../../domain/capacity.ts';
import { anyInteger } from '../validate.ts';

/** Upstream's SQL_SP_FLOAT_MAX: the largest allocation_ratio a column holds. */
export const SQL_SP_FLOAT_MAX = 3.40282e38;

/** schemas/common.py RC_PATTERN. */
export const RC_PATTERN = /^[A-Z0-9_]+$/;

const amount = (minimum: number) => anyInteger().min(minimum).max(MAX_INT);

/** The fields of one inventory record; only total is required. */
const record = {
  total: amount(1),
  reserved: amount(0).optional(),
  min_unit: amount(1).optional(),
  max_unit: amount(1).optional(),
  step_size: amount(1).optional(),
  allocation_ratio: z.number().max(SQL_SP_FLOAT_MAX).optional(),
};

/** PUT /resource_providers/{uuid}/inventories/{rc}; upstream lists 'total' first in 'required'. */
export const putInventory = z.strictObject({ ...record, resource_provider_generation: anyInteger() });

/** POST /resource_providers/{uuid}/inventories: the class in the body, no generation. */
export const postInventory = z.strictObject({
  resource_provider_generation: anyInteger().optional(),
  ...record,
  resource_class: z.string().regex(RC_PATTERN),
});

/** PUT /resource_providers/{uuid}/inventories: every inventory at once. */
export const putInventories = z.strictObject({
  resource_provider_generation: anyInteger(),
  inventories: z.record(z.string().regex(RC_PATTERN), z.strictObject(record)),
});

export type InventoryBody = z.output<typeof putInventory> | z.output<typeof postInventory>;
