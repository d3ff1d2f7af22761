/**
 * @module domain/snapshot
 * The ledger as plain, ordered JSON: for comparing states (replay equals
 * live), for audits, and later for stored snapshots.
 */
import type { Inventory, Ledger } from './model.ts';

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

/** Bumped whenever the ledger's shape changes: an older snapshot is then ignored. */
export const SNAPSHOT_VERSION = 1;
/** Applied commands whose events a snapshot keeps, for replies to late duplicates. */
export const SNAPSHOT_EVENTS_KEPT = 10_000;

interface Dump {
  readonly v: number;
  readonly lastSeq: number;
  readonly epoch: number;
  readonly nextCustomClassId: number;
  readonly providers: unknown[];
  readonly consumers: unknown[];
  readonly customClasses: unknown[];
  readonly customTraits: unknown[];
  readonly applied: Array<[string, number, unknown[]]>;
}

/** Everything needed to restore the ledger exactly (unlike ledgerState, which is for comparing). */
export function dumpLedger(l: Ledger): Dump {
  return {
    v: SNAPSHOT_VERSION,
    lastSeq: l.lastSeq,
    epoch: l.epoch,
    nextCustomClassId: l.nextCustomClassId,
    providers: [...l.providers.values()].map((rp) => [rp.uuid, rp.name, rp.generation, rp.parentUuid, rp.rootUuid,
      [...rp.inventories], [...rp.traits], [...rp.aggregates], rp.createdAt, rp.updatedAt]),
    consumers: [...l.consumers.values()].map((c) => [c.uuid, c.projectId, c.userId, c.generation, c.consumerType,
      [...c.allocations].map(([rp, res]) => [rp, [...res]]), c.createdAt, c.updatedAt]),
    customClasses: [...l.resourceClasses.values()].filter((rc) => !rc.standard)
      .map((rc) => [rc.name, rc.id, rc.createdAt, rc.updatedAt]),
    customTraits: [...l.traits.values()].filter((t) => !t.standard).map((t) => [t.name, t.createdAt, t.updatedAt]),
    // Only the newest commands keep their events (what a duplicate reply carries); older ones keep their seq.
    applied: [...l.appliedCommands].map(([id, a], i, all) =>
      [id, a.seq, all.length - i <= SNAPSHOT_EVENTS_KEPT ? a.events as unknown[] : []]),
  };
}

/** Restores a dump into a fresh ledger (standards already loaded); null if it is not a dump of this version. */
export function restoreLedger(fresh: Ledger, dump: unknown): Ledger | null {
  const d = dump as Dump;
  if (!d || d.v !== SNAPSHOT_VERSION || !Array.isArray(d.providers)) return null;
  const l = fresh;
  l.lastSeq = d.lastSeq;
  l.epoch = d.epoch;
  l.nextCustomClassId = d.nextCustomClassId;
  for (const [name, id, createdAt, updatedAt] of d.customClasses as Array<[string, number, string, string]>) {
    l.resourceClasses.set(name, { name, id, standard: false, createdAt, updatedAt });
  }
  const byId = [...l.resourceClasses.values()].sort((a, b) => a.id - b.id);
  l.resourceClasses.clear();
  for (const rc of byId) l.resourceClasses.set(rc.name, rc);
  for (const [name, createdAt, updatedAt] of d.customTraits as Array<[string, string, string]>) {
    l.traits.set(name, { name, standard: false, createdAt, updatedAt });
  }
  type P = [string, string, number, string | null, string, Array<[string, Inventory]>, string[], string[], string, string];
  for (const [uuid, name, generation, parentUuid, rootUuid, inventories, traits, aggregates, createdAt, updatedAt] of d.providers as P[]) {
    l.providers.set(uuid, {
      uuid, name, generation, parentUuid, rootUuid, children: new Set(), inventories: new Map(inventories),
      usages: new Map(), allocations: new Map(), traits: new Set(traits), aggregates: new Set(aggregates), createdAt, updatedAt,
    });
    l.providerNames.set(name, uuid);
    for (const rc of inventories.map(([rc]) => rc)) addTo(l.providersByClass, rc, uuid);
    for (const t of traits) addTo(l.providersByTrait, t, uuid);
    for (const a of aggregates) addTo(l.providersByAggregate, a, uuid);
  }
  for (const rp of l.providers.values()) if (rp.parentUuid) l.providers.get(rp.parentUuid)?.children.add(rp.uuid);
  type C = [string, string, string, number, string | null, Array<[string, Array<[string, number]>]>, string, string];
  for (const [uuid, projectId, userId, generation, consumerType, allocs, createdAt, updatedAt] of d.consumers as C[]) {
    const allocations = new Map<string, Map<string, number>>();
    for (const [rpUuid, res] of allocs) {
      const resources = new Map(res);
      allocations.set(rpUuid, resources);
      const rp = l.providers.get(rpUuid);
      if (!rp) return null;
      rp.allocations.set(uuid, resources);
      for (const [rc, n] of resources) rp.usages.set(rc, (rp.usages.get(rc) ?? 0) + n);
    }
    l.consumers.set(uuid, { uuid, projectId, userId, generation, consumerType, allocations, createdAt, updatedAt });
    addTo(l.consumersByProject, projectId, uuid);
  }
  for (const [id, seq, events] of d.applied) l.appliedCommands.set(id, { seq, events: events as never });
  return l;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Set()));
  s.add(value);
}
