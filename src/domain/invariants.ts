/**
 * @module domain/invariants
 * What must hold for every event given the ledger just before it. The audit
 * `verify` replays the whole log through these; the simulation checks them
 * after every step. Pure.
 */
import type { Ledger } from './model.ts';
import type { PlacementEvent } from './events.ts';
import { capacityOf } from './capacity.ts';

/** The first broken rule this event would commit, or null. */
export function violation(ledger: Ledger, e: PlacementEvent): string | null {
  switch (e.type) {
    case 'WriterStarted':
      return e.epoch > ledger.epoch ? null : `writer epoch ${e.epoch} not above ${ledger.epoch}`;
    case 'ResourceProviderCreated':
      if (ledger.providers.has(e.uuid)) return `provider ${e.uuid} created twice`;
      if (ledger.providerNames.has(e.name)) return `provider name ${e.name} taken`;
      if (e.parentUuid && !ledger.providers.has(e.parentUuid)) return `parent ${e.parentUuid} missing`;
      return null;
    case 'ResourceProviderUpdated':
    case 'ResourceProviderDeleted':
      return ledger.providers.has(e.uuid) ? null : `provider ${e.uuid} missing`;
    case 'InventoriesReplaced':
    case 'ProviderTraitsReplaced':
    case 'ProviderAggregatesReplaced': {
      const rp = ledger.providers.get(e.uuid);
      if (!rp) return `provider ${e.uuid} missing`;
      if (e.generation < rp.generation) return `provider ${e.uuid} generation went back to ${e.generation}`;
      if (e.type === 'InventoriesReplaced') {
        const unknown = Object.keys(e.inventories).find((rc) => !ledger.resourceClasses.has(rc));
        if (unknown) return `inventory of unknown class ${unknown}`;
        if (e.generation <= rp.generation) return `provider ${e.uuid} generation not increased`;
      }
      return null;
    }
    case 'AllocationsReplaced':
      return allocationViolation(ledger, e);
    default:
      return null;
  }
}

function allocationViolation(ledger: Ledger, e: Extract<PlacementEvent, { type: 'AllocationsReplaced' }>): string | null {
  const delta = new Map<string, Map<string, number>>();
  const add = (rp: string, rc: string, n: number) => {
    let m = delta.get(rp);
    if (!m) delta.set(rp, (m = new Map()));
    m.set(rc, (m.get(rc) ?? 0) + n);
  };
  for (const c of e.consumers) {
    const old = ledger.consumers.get(c.uuid);
    if (c.generation !== (old?.generation ?? 0) + 1) {
      return `consumer ${c.uuid} generation ${c.generation} after ${old?.generation ?? 'none'}`;
    }
    for (const [rp, res] of old?.allocations ?? []) for (const [rc, n] of res) add(rp, rc, -n);
    for (const [rp, res] of Object.entries(c.allocations)) {
      if (!ledger.providers.has(rp)) return `allocation against missing provider ${rp}`;
      for (const [rc, n] of Object.entries(res)) {
        if (!ledger.resourceClasses.has(rc)) return `allocation of missing class ${rc}`;
        add(rp, rc, n);
      }
    }
  }
  for (const [rpUuid, byClass] of delta) {
    const rp = ledger.providers.get(rpUuid)!;
    for (const [rc, d] of byClass) {
      if (d <= 0) continue;
      const inv = rp.inventories.get(rc);
      const used = (rp.usages.get(rc) ?? 0) + d;
      if (!inv) return `allocation of ${rc} on ${rpUuid} without inventory`;
      if (used > capacityOf(inv)) return `${rc} on ${rpUuid} over capacity: ${used} > ${capacityOf(inv)}`;
    }
  }
  for (const [rp, gen] of Object.entries(e.providerGenerations)) {
    const cur = ledger.providers.get(rp);
    if (!cur) return `generation of missing provider ${rp}`;
    if (gen <= cur.generation) return `provider ${rp} generation not increased`;
  }
  return null;
}

