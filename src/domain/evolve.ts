/**
 * @module domain/evolve
 * Folds one event into the ledger, in place, keeping the indexes in step.
 * Replay and the live writer both come through here, so they cannot differ.
 */
import type { Consumer, Ledger, ResourceProvider, Resources } from './model.ts';
import { REMEMBERED_EVENTS_MAX } from './model.ts';
import type { AllocationsReplaced, CommandRecord, PlacementEvent } from './events.ts';
import { toInventory } from './capacity.ts';
import { invariant } from './invariant.ts';

export function evolve(ledger: Ledger, event: PlacementEvent, at: string): void {
  switch (event.type) {
    case 'WriterStarted':
      ledger.epoch = Math.max(ledger.epoch, event.epoch);
      return;
    case 'ResourceProviderCreated': {
      const rp: ResourceProvider = {
        uuid: event.uuid,
        name: event.name,
        generation: 0,
        parentUuid: event.parentUuid,
        rootUuid: event.rootUuid,
        children: new Set(),
        inventories: new Map(),
        usages: new Map(),
        allocations: new Map(),
        traits: new Set(),
        aggregates: new Set(),
        createdAt: at,
        updatedAt: at,
      };
      ledger.providers.set(rp.uuid, rp);
      ledger.providerNames.set(rp.name, rp.uuid);
      if (rp.parentUuid) provider(ledger, rp.parentUuid).children.add(rp.uuid);
      return;
    }
    case 'ResourceProviderUpdated': {
      const rp = provider(ledger, event.uuid);
      ledger.providerNames.delete(rp.name);
      ledger.providerNames.set(event.name, rp.uuid);
      rp.name = event.name;
      if (rp.parentUuid !== event.parentUuid) {
        if (rp.parentUuid) provider(ledger, rp.parentUuid).children.delete(rp.uuid);
        if (event.parentUuid) provider(ledger, event.parentUuid).children.add(rp.uuid);
        rp.parentUuid = event.parentUuid;
      }
      if (rp.rootUuid !== event.rootUuid) setRoot(ledger, rp, event.rootUuid);
      rp.generation = event.generation;
      rp.updatedAt = at;
      return;
    }
    case 'ResourceProviderDeleted': {
      const rp = provider(ledger, event.uuid);
      invariant(rp.children.size === 0 && rp.allocations.size === 0, 'deleted provider is bare');
      for (const rc of rp.inventories.keys()) unindex(ledger.providersByClass, rc, rp.uuid);
      for (const t of rp.traits) unindex(ledger.providersByTrait, t, rp.uuid);
      for (const a of rp.aggregates) unindex(ledger.providersByAggregate, a, rp.uuid);
      if (rp.parentUuid) ledger.providers.get(rp.parentUuid)?.children.delete(rp.uuid);
      ledger.providers.delete(rp.uuid);
      ledger.providerNames.delete(rp.name);
      return;
    }
    case 'InventoriesReplaced': {
      const rp = provider(ledger, event.uuid);
      for (const rc of rp.inventories.keys()) unindex(ledger.providersByClass, rc, rp.uuid);
      rp.inventories = new Map(Object.entries(event.inventories).map(([rc, d]) => [rc, toInventory(d)]));
      for (const rc of rp.inventories.keys()) index(ledger.providersByClass, rc, rp.uuid);
      touch(rp, event.generation, at);
      return;
    }
    case 'ResourceClassCreated':
      ledger.resourceClasses.set(event.name, {
        name: event.name, id: event.id, standard: false, createdAt: at, updatedAt: at,
      });
      ledger.nextCustomClassId = Math.max(ledger.nextCustomClassId, event.id + 1);
      return;
    case 'ResourceClassRenamed': {
      const rc = ledger.resourceClasses.get(event.name);
      invariant(rc !== undefined, 'renamed class exists');
      ledger.resourceClasses.delete(event.name);
      rc.name = event.newName;
      rc.updatedAt = at;
      // Keep id order: re-insert would move it last, so rebuild the map in id order.
      const all = [...ledger.resourceClasses.values(), rc].sort((a, b) => a.id - b.id);
      ledger.resourceClasses.clear();
      for (const c of all) ledger.resourceClasses.set(c.name, c);
      return;
    }
    case 'ResourceClassDeleted':
      ledger.resourceClasses.delete(event.name);
      return;
    case 'TraitCreated':
      ledger.traits.set(event.name, { name: event.name, standard: false, createdAt: at, updatedAt: at });
      return;
    case 'TraitDeleted':
      ledger.traits.delete(event.name);
      return;
    case 'ProviderTraitsReplaced': {
      const rp = provider(ledger, event.uuid);
      rp.traits = reindex(ledger.providersByTrait, rp.uuid, rp.traits, event.traits);
      touch(rp, event.generation, at);
      return;
    }
    case 'ProviderAggregatesReplaced': {
      const rp = provider(ledger, event.uuid);
      rp.aggregates = reindex(ledger.providersByAggregate, rp.uuid, rp.aggregates, event.aggregates);
      touch(rp, event.generation, at);
      return;
    }
    case 'AllocationsReplaced':
      replaceAllocations(ledger, event, at);
      return;
    default: {
      const never: never = event;
      throw new Error(`unknown event ${JSON.stringify(never)}`);
    }
  }
}

/** Folds a whole command record and remembers its outcome for at-most-once replies. */
export function evolveRecord(ledger: Ledger, record: CommandRecord, seq: number): void {
  for (const e of record.events) evolve(ledger, e, record.at);
  remember(ledger, record.commandId, seq, record.events, record.refused);
}

/**
 * The newest `max` command records of a replay, in a ring, for at-most-once
 * replies after start-up: remembering every command of the log would insert
 * each id into the bounded map only for all but the newest to be evicted
 * again (the ids of a log are unique: a command is applied again only once
 * it is forgotten, so the result is the same).
 */
export class CommandRing {
  private readonly ids: string[] = [];
  private readonly seqs: number[] = [];
  private readonly events: Array<CommandRecord['events']> = [];
  private readonly refusals: Array<CommandRecord['refused']> = [];
  private next = 0;

  /** keepEvents false: the caller fills in the newest events itself (keeping them all costs GC work). */
  constructor(readonly max: number, private readonly keepEvents = true) {}

  add(r: CommandRecord, seq: number): void {
    const i = this.addId(r.commandId, seq, r.refused);
    if (this.keepEvents) this.events[i] = r.events;
  }

  /** A record without its events (a ring made with keepEvents false); returns its slot. */
  addId(commandId: string, seq: number, refused: CommandRecord['refused']): number {
    const i = this.next++ % this.max;
    this.ids[i] = commandId;
    this.seqs[i] = seq;
    this.refusals[i] = refused;
    return i;
  }

  /** The newest records, oldest first; only the newest REMEMBERED_EVENTS_MAX keep their events. */
  drain(): RememberedCommands {
    const n = Math.min(this.next, this.max);
    const out: RememberedCommands = { ids: [], seqs: [], events: [], refused: [] };
    for (let k = this.next - n; k < this.next; k++) {
      const i = k % this.max;
      out.ids.push(this.ids[i]!);
      out.seqs.push(this.seqs[i]!);
      out.events.push(this.keepEvents && this.next - k <= REMEMBERED_EVENTS_MAX ? this.events[i]! : []);
      out.refused.push(this.refusals[i]);
    }
    this.ids.length = this.seqs.length = this.events.length = this.refusals.length = this.next = 0;
    return out;
  }
}

/** Command outcomes as columns (cheap to pass between threads). */
export interface RememberedCommands {
  readonly ids: string[];
  readonly seqs: number[];
  readonly events: Array<CommandRecord['events']>;
  readonly refused: Array<CommandRecord['refused']>;
}

export function rememberAll(ledger: Ledger, c: RememberedCommands): void {
  for (let i = 0; i < c.ids.length; i++) remember(ledger, c.ids[i]!, c.seqs[i]!, c.events[i]!, c.refused[i]);
}

/** Folds a replayed log into the ledger: evolve every record, remember the newest (CommandRing). */
export class ReplayFold {
  private readonly ring: CommandRing;

  constructor(private readonly ledger: Ledger) {
    this.ring = new CommandRing(ledger.appliedCommands.max);
  }

  record(r: CommandRecord, seq: number): void {
    for (const e of r.events) evolve(this.ledger, e, r.at);
    this.ring.add(r, seq);
  }

  /** Remembers the newest records, oldest first; the fold is done. */
  finish(): void {
    rememberAll(this.ledger, this.ring.drain());
  }
}

/** Records that a command took effect (seq 0: decided, not yet durable); the map keeps the newest. */
export function remember(ledger: Ledger, commandId: string, seq: number, events: CommandRecord['events'],
  refused?: CommandRecord['refused']): void {
  ledger.appliedCommands.set(commandId, refused ? { seq, events, refused } : { seq, events });
}

// The hot path of replay (one call per claim): plain loops and for-in rather than
// Object.entries, usages added while the Maps are built, one lookup per map.
function replaceAllocations(ledger: Ledger, event: AllocationsReplaced, at: string): void {
  const consumers = event.consumers;
  for (let i = 0; i < consumers.length; i++) {
    const c = consumers[i]!;
    const old = releaseConsumer(ledger, c.uuid);
    let allocations: Map<string, Resources> | undefined;
    for (const rpUuid in c.allocations) {
      const res = c.allocations[rpUuid]!;
      const resources = new Map<string, number>();
      for (const rc in res) resources.set(rc, res[rc]!);
      (allocations ??= new Map()).set(rpUuid, claimOn(ledger, c.uuid, rpUuid, resources));
    }
    putConsumer(ledger, old, c.uuid, c.projectId, c.userId, c.consumerType, c.generation, allocations, at);
  }
  const gens = event.providerGenerations;
  for (const rpUuid in gens) touchProvider(ledger, rpUuid, gens[rpUuid]!, at);
}

/*
 * The steps of replacing one consumer's allocations, shared by evolve and
 * by the start-up fold of pre-decoded chunks (replay-chunk.ts), so the two
 * cannot differ: release the old allocations, claim each provider's
 * resources, then store (or drop) the consumer.
 */

/** Takes a consumer's allocations off its providers and the project index; returns the old consumer. */
export function releaseConsumer(ledger: Ledger, uuid: string): Consumer | undefined {
  const old = ledger.consumers.get(uuid);
  if (old === undefined) return undefined;
  for (const [rpUuid, res] of old.allocations) {
    const rp = provider(ledger, rpUuid);
    addUsages(rp, res, -1);
    rp.allocations.delete(uuid);
  }
  tally(ledger, old, -1);
  return old;
}

/** Adds a consumer's resources to one provider's usages and allocations; returns them. */
export function claimOn(ledger: Ledger, consumerUuid: string, rpUuid: string, resources: Resources): Resources {
  const rp = provider(ledger, rpUuid);
  addUsages(rp, resources, 1);
  rp.allocations.set(consumerUuid, resources);
  return resources;
}

/** Stores the consumer with its new allocations (undefined: it has none left and is gone). */
export function putConsumer(ledger: Ledger, old: Consumer | undefined, uuid: string, projectId: string, userId: string,
  consumerType: string | null, generation: number, allocations: ReadonlyMap<string, Resources> | undefined, at: string): void {
  if (allocations === undefined) {
    if (old !== undefined) ledger.consumers.delete(uuid);
    return;
  }
  const consumer: Consumer = {
    uuid, projectId, userId, generation, consumerType, allocations,
    createdAt: old !== undefined ? old.createdAt : at,
    updatedAt: at,
  };
  ledger.consumers.set(uuid, consumer);
  tally(ledger, consumer, 1);
}

/** Adds (1) or takes (-1) a consumer's allocations to or from its project's usage sums. */
export function tally(ledger: Ledger, c: Consumer, sign: 1 | -1): void {
  let users = ledger.projectUsages.get(c.projectId);
  if (users === undefined) ledger.projectUsages.set(c.projectId, (users = new Map()));
  let types = users.get(c.userId);
  if (types === undefined) users.set(c.userId, (types = new Map()));
  let total = types.get(c.consumerType);
  if (total === undefined) types.set(c.consumerType, (total = { consumers: 0, resources: new Map() }));
  total.consumers += sign;
  const sums = total.resources;
  for (const res of c.allocations.values()) {
    for (const [rc, n] of res) {
      const sum = (sums.get(rc) ?? 0) + sign * n;
      if (sum === 0) sums.delete(rc);
      else sums.set(rc, sum);
    }
  }
  invariant(total.consumers >= 0, 'consumer count never negative');
  if (total.consumers > 0) return;
  invariant(sums.size === 0, 'no usage without consumers');
  types.delete(c.consumerType);
  if (types.size === 0) users.delete(c.userId);
  if (users.size === 0) ledger.projectUsages.delete(c.projectId);
}

export function touchProvider(ledger: Ledger, rpUuid: string, generation: number, at: string): void {
  touch(provider(ledger, rpUuid), generation, at);
}

function addUsages(rp: ResourceProvider, res: Resources, sign: 1 | -1): void {
  for (const [rc, n] of res) {
    const used = (rp.usages.get(rc) ?? 0) + sign * n;
    invariant(used >= 0, 'usage never negative');
    if (used === 0) rp.usages.delete(rc);
    else rp.usages.set(rc, used);
  }
}

function setRoot(ledger: Ledger, rp: ResourceProvider, rootUuid: string): void {
  rp.rootUuid = rootUuid;
  for (const child of rp.children) setRoot(ledger, provider(ledger, child), rootUuid);
}

function touch(rp: ResourceProvider, generation: number, at: string): void {
  rp.generation = generation;
  rp.updatedAt = at;
}

function provider(ledger: Ledger, uuid: string): ResourceProvider {
  const rp = ledger.providers.get(uuid);
  // The message only when it fails: building it on every lookup is a string per event in replay.
  if (rp === undefined) invariant(false, `provider ${uuid} exists`);
  return rp;
}

/** Moves `uuid` in the index from the old keys to the new ones; returns the new set. */
function reindex(map: Map<string, Set<string>>, uuid: string, old: Set<string>, keys: readonly string[]): Set<string> {
  for (const k of old) unindex(map, k, uuid);
  const next = new Set(keys);
  for (const k of next) index(map, k, uuid);
  return next;
}

function index(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function unindex(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
