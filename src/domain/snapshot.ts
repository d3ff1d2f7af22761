/**
 * @module domain/snapshot
 * The ledger as plain, ordered JSON: for comparing states (replay equals
 * live), for audits, and later for stored snapshots.
 */
import type { Ledger } from './model.ts';

const sortedEntries = <V>(m: Map<string, V>): Array<[string, V]> => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const sorted = (s: Iterable<string>): string[] => [...s].sort();
const obj = (m: Map<string, number>) => Object.fromEntries(sortedEntries(m));

export function ledgerState(ledger: Ledger): unknown {
  return {
    providers: sortedEntries(ledger.providers).map(([, rp]) => ({
      uuid: rp.uuid, name: rp.name, generation: rp.generation, parent: rp.parentUuid, root: rp.rootUuid,
      children: sorted(rp.children),
      inventories: Object.fromEntries(sortedEntries(rp.inventories)),
      usages: obj(rp.usages),
      allocations: Object.fromEntries(sortedEntries(rp.allocations).map(([c, r]) => [c, obj(r)])),
      traits: sorted(rp.traits), aggregates: sorted(rp.aggregates),
    })),
    consumers: sortedEntries(ledger.consumers).map(([, c]) => ({
      uuid: c.uuid, project: c.projectId, user: c.userId, generation: c.generation, type: c.consumerType,
      allocations: Object.fromEntries(sortedEntries(c.allocations).map(([rp, r]) => [rp, obj(r)])),
    })),
    resourceClasses: [...ledger.resourceClasses.values()].map((rc) => [rc.name, rc.id]),
    traits: sorted([...ledger.traits.values()].filter((t) => !t.standard).map((t) => t.name)),
  };
}
