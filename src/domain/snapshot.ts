/**
 * @module domain/snapshot
 * The ledger as plain, ordered JSON for comparing states (replay equals
 * live) and audits; and as a compact dump for stored snapshots.
 */
import type { Consumer, Inventory, Ledger, ResourceProvider, Resources } from './model.ts';
import { REMEMBERED_EVENTS_MAX } from './model.ts';
import { tally } from './evolve.ts';

const sortedEntries = <V>(m: ReadonlyMap<string, V>): Array<[string, V]> => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const sorted = (s: Iterable<string>): string[] => [...s].sort();
const obj = (m: ReadonlyMap<string, number>) => Object.fromEntries(sortedEntries(m));

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
    // project -> user -> consumer type ('unknown': none; types are upper case) -> sums.
    projectUsages: Object.fromEntries(sortedEntries(ledger.projectUsages).map(([project, users]) => [project,
      Object.fromEntries(sortedEntries(users).map(([user, types]) => [user,
        Object.fromEntries([...types].map(([type, t]) => [type ?? 'unknown', { consumers: t.consumers, ...obj(t.resources) }])
          .sort(([a], [b]) => (a < b ? -1 : 1)))]))])),
  };
}

/** Bumped whenever the dump's shape changes: an older snapshot is then ignored. */
export const SNAPSHOT_VERSION = 3;

/**
 * Columns of plain numbers and strings, no object per consumer: quick to
 * serialise and to read back (v8.serialize, or JSON in the simulation).
 * Repeated strings (projects, users, classes, timestamps) are numbers into
 * `strings`; a consumer names its providers by their place in `providers`.
 */
export interface LedgerDump {
  readonly v: number;
  readonly lastSeq: number;
  readonly epoch: number;
  readonly nextCustomClassId: number;
  readonly strings: string[];
  /** Rows: [uuid, name, generation, parent, root, inventories, traits, aggregates, createdAt, updatedAt]. */
  readonly providers: unknown[];
  readonly consumers: {
    readonly uuid: string[];
    /** Per consumer: project, user, consumer type (-1: null), generation, createdAt, updatedAt, providers allocated. */
    readonly fields: ArrayLike<number>;
    /** Per allocated provider: provider index, classes allocated; then per class: class, amount. */
    readonly allocations: ArrayLike<number>;
  };
  readonly customClasses: unknown[];
  readonly customTraits: unknown[];
  readonly applied: {
    readonly ids: string[];
    readonly seqs: number[];
    /** Events of the newest `events.length` applied commands (the others keep only their seq). */
    readonly events: unknown[][];
    /** The refused ones: [index into ids, kind, detail]. */
    readonly refused: Array<[number, string, string]>;
  };
}
const CONSUMER_FIELDS = 7;

/** Everything needed to restore the ledger exactly (unlike ledgerState, which is for comparing). */
export function dumpLedger(l: Ledger): RawDump {
  const steps = dumpLedgerInSteps(l, Infinity);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

type RawDump = LedgerDump & { consumers: { fields: number[]; allocations: number[] } };

/**
 * dumpLedger in steps, so a writer can go on between them: everything is
 * taken from the ledger before the first yield (the dump is of that moment),
 * except the encoding of the consumers, which are never changed in place.
 * Yields every `consumersPerStep` consumers.
 */
export function* dumpLedgerInSteps(l: Ledger, consumersPerStep: number): Generator<void, RawDump> {
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const str = (s: string): number => {
    let id = stringIds.get(s);
    if (id === undefined) stringIds.set(s, (id = strings.push(s) - 1));
    return id;
  };
  const providerIds = new Map<string, number>();
  const providers = [...l.providers.values()].map((rp, i) => {
    providerIds.set(rp.uuid, i);
    return [rp.uuid, rp.name, rp.generation, rp.parentUuid, rp.rootUuid,
      [...rp.inventories], [...rp.traits], [...rp.aggregates], rp.createdAt, rp.updatedAt];
  });
  const ids: string[] = [];
  const seqs: number[] = [];
  const events: unknown[][] = [];
  const keepFrom = l.appliedCommands.size - REMEMBERED_EVENTS_MAX;
  // Only the newest commands keep their events (what a duplicate reply carries); older ones keep their seq.
  const refused: Array<[number, string, string]> = [];
  for (const [id, a] of l.appliedCommands) {
    if (a.refused) refused.push([ids.length, a.refused.kind, a.refused.detail]);
    if (ids.length >= keepFrom) events.push(a.events as unknown[]);
    ids.push(id);
    seqs.push(a.seq);
  }
  const head = {
    v: SNAPSHOT_VERSION,
    lastSeq: l.lastSeq,
    epoch: l.epoch,
    nextCustomClassId: l.nextCustomClassId,
    customClasses: [...l.resourceClasses.values()].filter((rc) => !rc.standard)
      .map((rc) => [rc.name, rc.id, rc.createdAt, rc.updatedAt]),
    customTraits: [...l.traits.values()].filter((t) => !t.standard).map((t) => [t.name, t.createdAt, t.updatedAt]),
    applied: { ids, seqs, events, refused },
  };
  const consumers = [...l.consumers.values()];
  const uuid: string[] = [];
  const fields: number[] = [];
  const allocations: number[] = [];
  for (let i = 0; i < consumers.length; i++) {
    if (i > 0 && i % consumersPerStep === 0) yield;
    const c = consumers[i]!;
    uuid.push(c.uuid);
    fields.push(str(c.projectId), str(c.userId), c.consumerType === null ? -1 : str(c.consumerType), c.generation,
      str(c.createdAt), str(c.updatedAt), c.allocations.size);
    for (const [rpUuid, res] of c.allocations) {
      allocations.push(providerIds.get(rpUuid)!, res.size);
      for (const [rc, n] of res) allocations.push(str(rc), n);
    }
  }
  return { ...head, strings, providers, consumers: { uuid, fields, allocations } };
}

/** Restores a dump into a fresh ledger (standards already loaded); null if it is not a dump of this version. */
export function restoreLedger(fresh: Ledger, dump: unknown): Ledger | null {
  const d = dump as LedgerDump;
  if (!d || d.v !== SNAPSHOT_VERSION || !Array.isArray(d.providers) || !Array.isArray(d.strings)) return null;
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
  const providers: ResourceProvider[] = [];
  for (const [uuid, name, generation, parentUuid, rootUuid, inventories, traits, aggregates, createdAt, updatedAt] of d.providers as P[]) {
    const rp: ResourceProvider = {
      uuid, name, generation, parentUuid, rootUuid, children: new Set(), inventories: new Map(inventories),
      usages: new Map(), allocations: new Map(), traits: new Set(traits), aggregates: new Set(aggregates), createdAt, updatedAt,
    };
    providers.push(rp);
    l.providers.set(uuid, rp);
    l.providerNames.set(name, uuid);
    for (const [rc] of inventories) addTo(l.providersByClass, rc, uuid);
    for (const t of traits) addTo(l.providersByTrait, t, uuid);
    for (const a of aggregates) addTo(l.providersByAggregate, a, uuid);
  }
  for (const rp of l.providers.values()) if (rp.parentUuid) l.providers.get(rp.parentUuid)?.children.add(rp.uuid);
  const { strings } = d;
  const { uuid: uuids, fields, allocations: allocs } = d.consumers;
  // Consumers with equal allocations (same providers, same amounts: a flavor) share one
  // immutable set, as after a replay (domain/replay-chunk.ts): a few thousand Maps to build
  // instead of two per consumer. Usages are added once per set, times its consumers.
  const sets = new Map<string, AllocationSet>();
  for (let i = 0, a = 0; i < uuids.length; i++) {
    const uuid = uuids[i]!;
    const f = i * CONSUMER_FIELDS;
    const start = a;
    let key = '';
    for (let n = fields[f + 6]!; n > 0; n--) {
      key += `${allocs[a++]},`;
      for (let k = allocs[a++]!, end = a + 2 * k; a < end;) key += `${allocs[a++]},`;
      key += ';';
    }
    let set: AllocationSet | null | undefined = sets.get(key);
    if (set === undefined) {
      set = allocationSet(providers, strings, allocs, start, fields[f + 6]!);
      if (!set) return null;
      sets.set(key, set);
    }
    set.consumers++;
    for (const [rp, resources] of set.parts) rp.allocations.set(uuid, resources);
    const type = fields[f + 2]!;
    const project = fields[f]!;
    const consumer: Consumer = {
      uuid, projectId: strings[project]!, userId: strings[fields[f + 1]!]!, generation: fields[f + 3]!,
      consumerType: type < 0 ? null : strings[type]!, allocations: set.allocations,
      createdAt: strings[fields[f + 4]!]!, updatedAt: strings[fields[f + 5]!]!,
    };
    l.consumers.set(uuid, consumer);
    tally(l, consumer, 1);
  }
  for (const set of sets.values()) {
    for (const [rp, resources] of set.parts) {
      for (const [rc, amount] of resources) rp.usages.set(rc, (rp.usages.get(rc) ?? 0) + amount * set.consumers);
    }
  }
  const { ids, seqs, events, refused } = d.applied;
  const withEvents = ids.length - events.length;
  let r = 0;
  for (let i = 0; i < ids.length; i++) {
    const refusal = refused[r]?.[0] === i ? refused[r++]! : undefined;
    l.appliedCommands.set(ids[i]!, refusal
      ? { seq: seqs[i]!, events: [], refused: { kind: refusal[1] as never, detail: refusal[2] } }
      : { seq: seqs[i]!, events: (i >= withEvents ? events[i - withEvents] : []) as never });
  }
  return l;
}

interface AllocationSet {
  readonly allocations: ReadonlyMap<string, Resources>;
  readonly parts: ReadonlyArray<readonly [ResourceProvider, Resources]>;
  consumers: number;
}

/** One consumer's allocations from the dump's column, from `a` on; null if a provider is missing. */
function allocationSet(providers: readonly ResourceProvider[], strings: readonly string[], allocs: ArrayLike<number>,
  a: number, count: number): AllocationSet | null {
  const allocations = new Map<string, Resources>();
  const parts: Array<[ResourceProvider, Resources]> = [];
  for (let n = count; n > 0; n--) {
    const rp = providers[allocs[a++]!];
    if (!rp) return null;
    const resources = new Map<string, number>();
    for (let k = allocs[a++]!; k > 0; k--) {
      const rc = strings[allocs[a++]!]!;
      resources.set(rc, allocs[a++]!);
    }
    allocations.set(rp.uuid, resources);
    parts.push([rp, resources]);
  }
  return { allocations, parts, consumers: 0 };
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Set()));
  s.add(value);
}
