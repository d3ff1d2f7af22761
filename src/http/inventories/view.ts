/**
 * @module http/inventories/view
 * Inventories as Placement shows them: allocation_ratio is a float (1.0),
 * a single inventory carries its provider's generation.
 */
import type { InventoryData } from '../../domain/events.ts';
import type { Inventory } from '../../domain/model.ts';
import { toInventoryData } from '../../domain/capacity.ts';
import { pyFloat } from '../py-format.ts';

/** Defaults for fields a request leaves out (upstream INVENTORY_DEFAULTS). */
export const INVENTORY_DEFAULTS = {
  reserved: 0,
  min_unit: 1,
  step_size: 1,
  allocation_ratio: 1.0,
} as const;

export function inventoryRecord(inv: InventoryData): Record<string, unknown> {
  return {
    total: inv.total,
    reserved: inv.reserved,
    min_unit: inv.min_unit,
    max_unit: inv.max_unit,
    step_size: inv.step_size,
    allocation_ratio: pyFloat(inv.allocation_ratio),
  };
}

/** One inventory; upstream leaves the generation out when it is 0. */
export function inventoryView(inv: InventoryData, generation: number): Record<string, unknown> {
  const out = inventoryRecord(inv);
  if (generation) out.resource_provider_generation = generation;
  return out;
}

export function inventoriesView(inventories: ReadonlyMap<string, InventoryData> | Record<string, InventoryData>,
  generation: number): Record<string, unknown> {
  const entries = inventories instanceof Map ? [...inventories] : Object.entries(inventories);
  return {
    resource_provider_generation: generation,
    inventories: Object.fromEntries(entries.map(([rc, inv]) => [rc, inventoryRecord(inv)])),
  };
}

export const ledgerInventories = (invs: ReadonlyMap<string, Inventory>): Map<string, InventoryData> =>
  new Map([...invs].map(([rc, inv]) => [rc, toInventoryData(inv)]));
