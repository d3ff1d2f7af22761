/**
 * @module domain/decide/allocations
 * Replacing and deleting a consumer's allocations. All consumers of one
 * command succeed together or not at all; capacity is checked against the
 * ledger as it is, which the single writer makes exact.
 */
import type { Inventory, Ledger } from '../model.ts';
import type { ConsumerAllocations, DeleteAllocations, ReplaceAllocations } from '../commands.ts';
import type { AllocationsReplaced, ConsumerAllocationsSet } from '../events.ts';
import { fits, violatesConstraints } from '../capacity.ts';
import { reject, type Rejection } from '../rejections.ts';
import { accept, intText, refuse, type Decision } from './decision.ts';

export function decideReplaceAllocations(ledger: Ledger, cmd: ReplaceAllocations): Decision {
  const refused = consumersRefused(ledger, cmd.consumers);
  if (refused) return refuse(refused);
  const replaced = allocationsReplaced(ledger, cmd.consumers, (detail) => reject('BadRequest', cmd.via === 'put'
    ? `Unable to allocate inventory for consumer ${cmd.consumers[0]!.consumerUuid}: ${detail}`
    : `Unable to allocate inventory ${detail}`));
  return replaced.rejection ? refuse(replaced.rejection) : accept(replaced.event);
}

/**
 * A provider as a reshape leaves it before its allocations are checked:
 * interim inventories and the generation they bumped to.
 */
export interface StagedProvider {
  readonly inventories: ReadonlyMap<string, Inventory>;
  readonly generation: number;
}

/** The first consumer generation conflict, then the first provider named that does not exist. */
export function consumersRefused(ledger: Ledger, consumers: readonly ConsumerAllocations[]): Rejection | null {
  for (const c of consumers) {
    const conflict = consumerGenerationConflict(ledger, c);
    if (conflict) return reject('ConsumerGenerationConflict', conflict);
  }
  for (const c of consumers) {
    for (const rpUuid of Object.keys(c.allocations)) {
      if (!ledger.providers.has(rpUuid)) {
        return reject('BadRequest', `Allocation for resource provider '${rpUuid}' that does not exist.`);
      }
    }
  }
  return null;
}

/**
 * The consumers' new allocations as one event, after the class, inventory,
 * constraint and capacity checks; or why not. Providers in `staged` are
 * checked against their staged inventories and bumped from their staged
 * generation. `unknownClass` words the rejection for a class that does not
 * exist ("No such resource class X."), which each caller words its own way.
 */
export function allocationsReplaced(ledger: Ledger, consumers: readonly ConsumerAllocations[],
  unknownClass: (detail: string) => Rejection, staged: ReadonlyMap<string, StagedProvider> = new Map()):
  { readonly event: AllocationsReplaced; readonly rejection?: undefined } |
  { readonly rejection: Rejection; readonly event?: undefined } {
  const inventoriesOf = (rpUuid: string) =>
    staged.get(rpUuid)?.inventories ?? ledger.providers.get(rpUuid)!.inventories;
  const consumerIds = new Set(consumers.map((c) => c.consumerUuid));
  // Every (provider, class) the command asks for, summed over its consumers.
  const wanted = new Map<string, Map<string, number>>();
  const order: Array<[string, string, number]> = [];
  for (const c of consumers) {
    for (const [rpUuid, res] of Object.entries(c.allocations)) {
      let perClass = wanted.get(rpUuid);
      if (!perClass) wanted.set(rpUuid, (perClass = new Map()));
      for (const [rc, n] of Object.entries(res)) {
        perClass.set(rc, (perClass.get(rc) ?? 0) + n);
        order.push([rpUuid, rc, n]);
      }
    }
  }
  const unknown = order.find(([, rc]) => !ledger.resourceClasses.has(rc));
  if (unknown) return { rejection: unknownClass(`No such resource class ${unknown[1]}.`) };
  const classesAsked = [...new Set(order.map(([, rc]) => rc))];
  const bare = [...wanted.keys()].filter((rpUuid) => !classesAsked.some((rc) => inventoriesOf(rpUuid).has(rc)));
  if (bare.length > 0) return { rejection: invalidInventory(classesAsked.join(', '), bare.join(', ')) };
  for (const [rpUuid, rc, n] of order) {
    if (n === 0) continue;
    const rp = ledger.providers.get(rpUuid)!;
    const inv = inventoriesOf(rpUuid).get(rc);
    if (!inv) return { rejection: invalidInventory(rc, rpUuid) };
    if (violatesConstraints(inv, n)) {
      return { rejection: unableToAllocate(`Unable to create allocation for '${rc}' on resource provider ` +
        `'${rpUuid}'. The requested amount would violate inventory constraints.`) };
    }
    const oldUsed = rp.usages.get(rc) ?? 0;
    const newUsed = oldUsed - usedByConsumers(ledger, consumerIds, rpUuid, rc) + wanted.get(rpUuid)!.get(rc)!;
    if (!fits(inv, oldUsed, newUsed)) {
      return { rejection: unableToAllocate(`Unable to create allocation for '${rc}' on resource provider ` +
        `'${rpUuid}'. The requested amount would exceed the capacity.`) };
    }
  }
  return { event: replacedEvent(ledger, consumers, wanted.keys(), staged) };
}

/** The event of checked allocations; `asked` are the providers they name. */
function replacedEvent(ledger: Ledger, consumers: readonly ConsumerAllocations[], asked: Iterable<string>,
  staged: ReadonlyMap<string, StagedProvider>): AllocationsReplaced {
  // Providers whose generation moves: those asked for, and those a consumer leaves entirely.
  const touched = new Set(asked);
  for (const c of consumers) {
    if (Object.keys(c.allocations).length > 0) continue;
    for (const rpUuid of ledger.consumers.get(c.consumerUuid)?.allocations.keys() ?? []) touched.add(rpUuid);
  }
  const providerGenerations: Record<string, number> = {};
  for (const rpUuid of touched) {
    providerGenerations[rpUuid] = (staged.get(rpUuid)?.generation ?? ledger.providers.get(rpUuid)!.generation) + 1;
  }
  const sets: ConsumerAllocationsSet[] = consumers.map((c) => {
    const old = ledger.consumers.get(c.consumerUuid);
    const allocations: Record<string, Record<string, number>> = {};
    for (const [rpUuid, res] of Object.entries(c.allocations)) {
      const kept = Object.entries(res).filter(([, n]) => n > 0);
      if (kept.length > 0) allocations[rpUuid] = Object.fromEntries(kept);
    }
    return {
      uuid: c.consumerUuid,
      projectId: c.projectId,
      userId: c.userId,
      consumerType: c.consumerType !== undefined ? c.consumerType : (old?.consumerType ?? null),
      generation: (old?.generation ?? 0) + 1,
      allocations,
    };
  });
  return { type: 'AllocationsReplaced', consumers: sets, providerGenerations };
}

export function decideDeleteAllocations(ledger: Ledger, cmd: DeleteAllocations): Decision {
  const old = ledger.consumers.get(cmd.consumerUuid);
  if (!old) {
    return refuse(reject('NotFound', `No allocations for consumer '${cmd.consumerUuid}'`));
  }
  return accept({
    type: 'AllocationsReplaced',
    consumers: [{
      uuid: old.uuid, projectId: old.projectId, userId: old.userId,
      consumerType: old.consumerType, generation: old.generation + 1, allocations: {},
    }],
    providerGenerations: {},
  });
}

function consumerGenerationConflict(ledger: Ledger, c: ConsumerAllocations): string | null {
  if (c.consumerGeneration === undefined) return null;
  const existing = ledger.consumers.get(c.consumerUuid);
  if (existing) {
    const given = c.consumerGeneration === null ? 'None' : intText(c.consumerGeneration);
    return existing.generation === c.consumerGeneration ? null
      : `consumer generation conflict - expected ${existing.generation} but got ${given}`;
  }
  return c.consumerGeneration === null ? null
    : `consumer generation conflict - expected null but got ${intText(c.consumerGeneration)}`;
}

function usedByConsumers(ledger: Ledger, consumers: Set<string>, rpUuid: string, rc: string): number {
  let sum = 0;
  for (const id of consumers) sum += ledger.consumers.get(id)?.allocations.get(rpUuid)?.get(rc) ?? 0;
  return sum;
}

const unableToAllocate = (error: string) => reject('Conflict', `Unable to allocate inventory: ${error}`);

const invalidInventory = (classes: string, providers: string) =>
  unableToAllocate(`Inventory for '${classes}' on resource provider '${providers}' invalid.`);
