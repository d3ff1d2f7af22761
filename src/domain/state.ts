/**
 * @module domain/state
 * A fresh ledger: standard resource classes and traits, nothing else.
 * The standard lists are facts of the Placement release we match; the
 * shell reads them from src/data and passes them in.
 */
import type { Ledger } from './model.ts';
import { APPLIED_COMMANDS_MAX, FIRST_CUSTOM_CLASS_ID } from './model.ts';
import { BoundedMap } from './bounded-map.ts';

export interface Standards {
  /** In os-resource-classes order: a class's id is its index. */
  readonly resourceClasses: readonly string[];
  readonly traits: readonly string[];
}

export function createLedger(standards: Standards): Ledger {
  const ledger: Ledger = {
    providers: new Map(),
    providerNames: new Map(),
    consumers: new Map(),
    resourceClasses: new Map(),
    nextCustomClassId: FIRST_CUSTOM_CLASS_ID,
    traits: new Map(),
    providersByClass: new Map(),
    providersByTrait: new Map(),
    providersByAggregate: new Map(),
    projectUsages: new Map(),
    lastSeq: 0,
    epoch: 0,
    appliedCommands: new BoundedMap(APPLIED_COMMANDS_MAX),
  };
  standards.resourceClasses.forEach((name, id) => {
    ledger.resourceClasses.set(name, { name, id, standard: true, createdAt: null, updatedAt: null });
  });
  for (const name of standards.traits) {
    ledger.traits.set(name, { name, standard: true, createdAt: null, updatedAt: null });
  }
  return ledger;
}
