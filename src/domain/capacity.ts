/**
 * @module domain/capacity
 * The capacity rule, pure: usable = (total - reserved) * allocation_ratio,
 * and an amount must respect min_unit, max_unit and step_size.
 */
import type { Inventory } from './model.ts';
import type { InventoryData } from './events.ts';

export const MAX_INT = 2147483647;

export function capacityOf(inv: Inventory): number {
  // Compared in floating point, as Placement's query does; no rounding.
  return (inv.total - inv.reserved) * inv.allocationRatio;
}

export function violatesConstraints(inv: Inventory, amount: number): boolean {
  return amount < inv.minUnit || amount > inv.maxUnit || amount % inv.stepSize !== 0;
}

/**
 * May `used` grow to `newUsed`? A write that does not raise usage is always
 * fine, so an over-committed provider (inventory shrunk below usage) can
 * still be relieved.
 */
export function fits(inv: Inventory, oldUsed: number, newUsed: number): boolean {
  return newUsed <= oldUsed || newUsed <= capacityOf(inv);
}

export const toInventory = (d: InventoryData): Inventory => ({
  total: d.total,
  reserved: d.reserved,
  minUnit: d.min_unit,
  maxUnit: d.max_unit,
  stepSize: d.step_size,
  allocationRatio: d.allocation_ratio,
});

export const toInventoryData = (i: Inventory): InventoryData => ({
  total: i.total,
  reserved: i.reserved,
  min_unit: i.minUnit,
  max_unit: i.maxUnit,
  step_size: i.stepSize,
  allocation_ratio: i.allocationRatio,
});
