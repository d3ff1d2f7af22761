/**
 * @module domain/decide/reshape
 * POST /reshaper: inventories and allocations of several providers replaced
 * as one unit, in upstream's three steps so the checks and the generations
 * come out the same:
 *
 *  1. interim inventories: each provider keeps what it has plus what it is
 *     given (given records win), so allocations can land on a new class
 *     before an old one goes;
 *  2. the allocations, checked against those interim inventories;
 *  3. the final inventories, refused if they drop a class still in use.
 *
 * Each step bumps the generations it touches, as upstream's do, and each
 * emits the ordinary event, so replay stays a plain fold.
 */
import type { Inventory, Ledger } from '../model.ts';
import type { Reshape } from '../commands.ts';
import type { AllocationsReplaced, InventoriesReplaced, InventoryData, PlacementEvent } from '../events.ts';
import { toInventory, toInventoryData } from '../capacity.ts';
import { reject, type Rejection } from '../rejections.ts';
import { accept, intText, refuse, type Decision } from './decision.ts';
import { allocationsReplaced, consumersRefused, type StagedProvider } from './allocations.ts';
import { inUseRemoved, unknownClass } from './inventories.ts';

export function decideReshape(ledger: Ledger, cmd: Reshape): Decision {
  const refused = providersRefused(ledger, cmd) ?? consumersRefused(ledger, cmd.allocations);
  if (refused) return refuse(refused);
  const interim = interimInventories(ledger, cmd);
  if ('rejection' in interim) return refuse(interim.rejection);
  const staged = new Map<string, StagedProvider>(interim.events.map((e) => [e.uuid, {
    generation: e.generation,
    inventories: new Map<string, Inventory>(Object.entries(e.inventories).map(([rc, d]) => [rc, toInventory(d)])),
  }]));
  const events: PlacementEvent[] = [...interim.events];
  let replaced: AllocationsReplaced | undefined;
  // No consumers: upstream's replace_all of nothing, which bumps nothing.
  if (cmd.allocations.length > 0) {
    const r = allocationsReplaced(ledger, cmd.allocations, malformed, staged);
    if (r.rejection) return refuse(r.rejection);
    replaced = r.event;
    events.push(replaced);
  }
  const final = finalInventories(ledger, cmd, staged, replaced);
  if ('rejection' in final) return refuse(final.rejection);
  return accept(...events, ...final.events);
}

/** Every provider given inventories exists and is at the given generation, in body order. */
function providersRefused(ledger: Ledger, cmd: Reshape): Rejection | null {
  for (const [uuid, { generation }] of Object.entries(cmd.inventories)) {
    const rp = ledger.providers.get(uuid);
    if (!rp) {
      return reject('ProviderNotFoundInRequest',
        `Resource provider ${uuid} in inventories not found: No resource provider with uuid ${uuid} found`);
    }
    if (generation !== rp.generation) {
      return reject('ProviderGenerationConflict', `resource provider generation conflict for provider ${uuid}: ` +
        `actual: ${rp.generation}, given: ${intText(generation)}`);
    }
  }
  return null;
}

type Step = { readonly events: InventoriesReplaced[] } | { readonly rejection: Rejection };

/** Step 1. A provider given no inventories is left as it is until step 3 (no bump), as upstream. */
function interimInventories(ledger: Ledger, cmd: Reshape): Step {
  const events: InventoriesReplaced[] = [];
  for (const [uuid, given] of Object.entries(cmd.inventories)) {
    if (Object.keys(given.inventories).length === 0) continue;
    const rp = ledger.providers.get(uuid)!;
    const union = new Map<string, InventoryData>([...rp.inventories].map(([rc, inv]) => [rc, toInventoryData(inv)]));
    for (const [rc, inv] of Object.entries(given.inventories)) union.set(rc, inv);
    const unknown = unknownClass(ledger, union.keys());
    if (unknown) return { rejection: malformed(`No such resource class ${unknown}.`) };
    events.push({ type: 'InventoriesReplaced', uuid, generation: rp.generation + 1,
      inventories: Object.fromEntries(union) });
  }
  return { events };
}

/**
 * Step 3. Like upstream's reshaper (and unlike PUT .../inventories) the
 * reserved-versus-total check is not made; a provider left over capacity
 * by its new inventory is allowed, as an inventory update allows it.
 */
function finalInventories(ledger: Ledger, cmd: Reshape, staged: ReadonlyMap<string, StagedProvider>,
  replaced: AllocationsReplaced | undefined): Step {
  const events: InventoriesReplaced[] = [];
  for (const [uuid, given] of Object.entries(cmd.inventories)) {
    const rp = ledger.providers.get(uuid)!;
    const next = new Map(Object.entries(given.inventories));
    const inUse = inUseRemoved(ledger, rp, next, usagesAfter(ledger, uuid, replaced));
    if (inUse) return { rejection: reject('InventoryInUse', `update conflict: ${inUse}`) };
    const generation = replaced?.providerGenerations[uuid] ?? staged.get(uuid)?.generation ?? rp.generation;
    events.push({ type: 'InventoriesReplaced', uuid, generation: generation + 1, inventories: given.inventories });
  }
  return { events };
}

/** A provider's usages once `replaced` is folded in. */
function usagesAfter(ledger: Ledger, rpUuid: string, replaced: AllocationsReplaced | undefined): Map<string, number> {
  const usages = new Map(ledger.providers.get(rpUuid)!.usages);
  const add = (rc: string, n: number) => usages.set(rc, (usages.get(rc) ?? 0) + n);
  for (const c of replaced?.consumers ?? []) {
    for (const [rc, n] of ledger.consumers.get(c.uuid)?.allocations.get(rpUuid) ?? []) add(rc, -n);
    for (const [rc, n] of Object.entries(c.allocations[rpUuid] ?? {})) add(rc, n);
  }
  return usages;
}

const malformed = (detail: string): Rejection => reject('BadRequest', `malformed reshaper data: ${detail}`);
