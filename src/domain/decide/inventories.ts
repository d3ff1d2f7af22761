/**
 * @module domain/decide/inventories
 * Every inventory write becomes one full replacement of a provider's
 * inventories, after Placement's checks in Placement's order.
 */
import type { Ledger, ResourceProvider } from '../model.ts';
import type { ChangeInventories } from '../commands.ts';
import type { InventoryData } from '../events.ts';
import { toInventoryData } from '../capacity.ts';
import { reject, type Rejection } from '../rejections.ts';
import { accept, refuse, type Decision } from './decision.ts';

export function decideChangeInventories(ledger: Ledger, cmd: ChangeInventories): Decision {
  const rp = ledger.providers.get(cmd.uuid);
  if (!rp) return refuse(reject('NotFound', `No resource provider with uuid ${cmd.uuid} found`));
  const change = cmd.change;
  if (cmd.generation !== null && cmd.generation !== rp.generation) {
    return refuse(reject('ProviderGenerationConflict', 'resource provider generation conflict'));
  }
  const current = new Map<string, InventoryData>(
    [...rp.inventories].map(([rc, inv]) => [rc, toInventoryData(inv)]));
  let next: Map<string, InventoryData>;
  switch (change.kind) {
    case 'replace': {
      const bad = capacityError(rp, Object.entries(change.inventories), cmd.reservedMayEqualTotal);
      if (bad) return refuse(reject('BadRequest',
        `Unable to update inventory for resource provider ${rp.uuid}: ${bad}`));
      const unknown = unknownClass(ledger, Object.keys(change.inventories));
      if (unknown) return refuse(reject('BadRequest',
        `Unknown resource class in inventory for resource provider ${rp.uuid}: No such resource class ${unknown}.`));
      next = new Map(Object.entries(change.inventories));
      const inUse = inUseRemoved(ledger, rp, next);
      if (inUse) return refuse(reject('InventoryInUse', `update conflict: ${inUse}`));
      break;
    }
    case 'add': {
      const bad = capacityError(rp, [[change.resourceClass, change.inventory]], cmd.reservedMayEqualTotal);
      const unknown = ledger.resourceClasses.has(change.resourceClass) ? null
        : `No such resource class ${change.resourceClass}.`;
      if (bad || unknown) return refuse(reject('BadRequest',
        `Unable to create inventory for resource provider ${rp.uuid}: ${bad ?? unknown}`));
      if (current.has(change.resourceClass)) {
        return refuse(reject('ProviderGenerationConflict',
          `Update conflict: Inventory for ${change.resourceClass} on resource provider ${rp.uuid} already exists.`));
      }
      next = new Map(current).set(change.resourceClass, change.inventory);
      break;
    }
    case 'update': {
      const bad = capacityError(rp, [[change.resourceClass, change.inventory]], cmd.reservedMayEqualTotal);
      if (bad) return refuse(reject('BadRequest',
        `Unable to update inventory for resource provider ${rp.uuid}: ${bad}`));
      // Upstream looks the class up when it writes, after the capacity check: 404.
      if (!ledger.resourceClasses.has(change.resourceClass)) {
        return refuse(reject('NotFound', `No such resource class ${change.resourceClass}.`));
      }
      if (!current.has(change.resourceClass)) {
        return refuse(reject('BadRequest', `No inventory record with resource class for resource provider ` +
          `${rp.uuid}: No inventory of class ${change.resourceClass} found.`));
      }
      next = new Map(current).set(change.resourceClass, change.inventory);
      break;
    }
    case 'delete': {
      if (!current.has(change.resourceClass)) {
        const why = ledger.resourceClasses.has(change.resourceClass)
          ? `No inventory of class ${change.resourceClass} found for delete`
          : `No such resource class ${change.resourceClass}.`;
        return refuse(reject('NotFound', `No inventory of class ${change.resourceClass} found for delete: ${why}`));
      }
      next = new Map(current);
      next.delete(change.resourceClass);
      const inUse = inUseRemoved(ledger, rp, next);
      if (inUse) return refuse(reject('ProviderGenerationConflict',
        `Unable to delete inventory of class ${change.resourceClass}: ${inUse}`));
      break;
    }
    case 'delete-all': {
      next = new Map();
      const inUse = inUseRemoved(ledger, rp, next);
      if (inUse) return refuse(reject('InventoryInUse', inUse));
      break;
    }
    default: {
      const never: never = change;
      throw new Error(`unknown inventory change ${JSON.stringify(never)}`);
    }
  }
  return accept({
    type: 'InventoriesReplaced', uuid: rp.uuid, generation: rp.generation + 1,
    inventories: Object.fromEntries(next),
  });
}

function capacityError(rp: ResourceProvider, invs: Array<[string, InventoryData]>,
  reservedMayEqualTotal: boolean): string | null {
  for (const [rc, inv] of invs) {
    // Placement's inventory capacity, truncated to an integer as it does.
    const capacity = Math.trunc((inv.total - inv.reserved) * inv.allocation_ratio);
    if (reservedMayEqualTotal ? capacity < 0 : capacity <= 0) {
      return `Invalid inventory for '${rc}' on resource provider '${rp.uuid}'. The reserved value is ` +
        (reservedMayEqualTotal ? 'greater than total.' : 'greater than or equal to total.');
    }
  }
  return null;
}

/** The first of `classes` the ledger does not know, if any. */
export function unknownClass(ledger: Ledger, classes: Iterable<string>): string | undefined {
  for (const rc of classes) if (!ledger.resourceClasses.has(rc)) return rc;
  return undefined;
}

/**
 * The in-use message if `next` drops a class that still has allocations;
 * classes in id order, as upstream's GROUP BY resource_class_id lists them.
 * `usages` are the provider's by default; a reshape passes those its new
 * allocations leave.
 */
export function inUseRemoved(ledger: Ledger, rp: ResourceProvider, next: ReadonlyMap<string, unknown>,
  usages: ReadonlyMap<string, number> = rp.usages): string | null {
  const idOf = (rc: string) => ledger.resourceClasses.get(rc)?.id ?? Number.MAX_SAFE_INTEGER;
  const gone = [...rp.inventories.keys()].filter((rc) => !next.has(rc) && (usages.get(rc) ?? 0) > 0)
    .sort((a, b) => idOf(a) - idOf(b));
  if (gone.length === 0) return null;
  return `Inventory for '${gone.join(', ')}' on resource provider '${rp.uuid}' in use.`;
}

export type { Rejection };
