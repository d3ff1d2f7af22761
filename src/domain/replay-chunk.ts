/**
 * @module domain/replay-chunk
 * Start-up replay split over two threads: a worker parses stored batches
 * and encodes them as a chunk (a string table, one Float64Array of ops, and
 * the rare events other than allocations as objects), which the main thread
 * folds into the ledger without building an event object per claim.
 * Allocations go through the same steps as evolve (releaseConsumer, claimOn,
 * putConsumer), every other event through evolve itself.
 */
import type { Ledger, Resources } from './model.ts';
import type { AllocationsReplaced, PlacementEvent } from './events.ts';
import { claimOn, evolve, putConsumer, releaseConsumer, touchProvider } from './evolve.ts';

export interface ReplayChunk {
  readonly strings: readonly string[];
  readonly ops: Float64Array;
  /** The events that are not AllocationsReplaced, in log order. */
  readonly events: readonly PlacementEvent[];
}

// Op codes, each followed by its operands (string operands are indexes into `strings`).
const BATCH = 1; //   seq epoch
const RECORD = 2; //  at
const EVENT = 3; //   (the next of `events`)
const ALLOCATIONS = 4; // consumerCount, per consumer: uuid project user type|-1 generation set|-1;
//                     then genCount, per provider: rp generation
const RESOURCES = 5; // classCount, per class: rc amount (defines the next resources index)
const SET = 6; //       providerCount, per provider: rp resources (defines the next set index)
const RESET = 7; //     forget all resources and sets

/** Distinct resources and sets a worker numbers before starting over (bounds both threads' tables). */
const TABLE_MAX = 1 << 16;

/**
 * The flat layout of an AllocationsReplaced, shared by stored v2 batches
 * (log/codec.ts) and chunks: consumerCount, per consumer: uuid project user
 * type|-1 generation providerCount, per provider: rp classCount, per class:
 * rc amount; then genCount, per provider: rp generation. Strings as refs.
 */
export function writeAllocations(e: AllocationsReplaced, ref: (s: string) => number, out: number[]): void {
  out.push(e.consumers.length);
  for (const c of e.consumers) {
    out.push(ref(c.uuid), ref(c.projectId), ref(c.userId), c.consumerType === null ? -1 : ref(c.consumerType), c.generation);
    const providers = Object.keys(c.allocations);
    out.push(providers.length);
    for (const rp of providers) {
      const res = c.allocations[rp]!;
      const classes = Object.keys(res);
      out.push(ref(rp), classes.length);
      for (const rc of classes) out.push(ref(rc), res[rc]!);
    }
  }
  const gens = Object.keys(e.providerGenerations);
  out.push(gens.length);
  for (const rp of gens) out.push(ref(rp), e.providerGenerations[rp]!);
}

/**
 * Builds chunks in the worker, batch by batch. Equal amounts (flavors) and
 * equal allocation sets are defined once and referred to by number, so the
 * main thread builds one immutable Map for all of them instead of two per
 * consumer (Resources and a consumer's allocations are never changed in place).
 */
export class ChunkEncoder {
  private strings: string[] = [];
  private refs: Map<string, number> | undefined = new Map();
  /** The stored batch's own table, when refs are indexes into it; only the strings used go on. */
  private source: readonly string[] | undefined;
  private remap: Int32Array | undefined;
  private ops = new Float64Array(1 << 16);
  private n = 0;
  private events: PlacementEvent[] = [];
  private readonly resourceIds = new Map<string, number>();
  private readonly setIds = new Map<string, number>();

  constructor(private readonly tableMax = TABLE_MAX) {}

  /**
   * Starts a stored batch. With `strings` (only at the start of a chunk),
   * refs are indexes into them; the chunk carries only those it uses (not
   * command and request ids, which the main thread never reads).
   */
  batch(seq: number, epoch: number, strings?: readonly string[]): void {
    if (strings) {
      if (this.n > 0 || this.strings.length > 0) throw new Error('replay chunk: a string table starts a chunk');
      this.source = strings;
      this.remap = new Int32Array(strings.length).fill(-1);
      this.refs = undefined;
    }
    this.push(BATCH); this.push(seq); this.push(b(epoch));
  }

  /** The ref of a string in this chunk's own table. */
  readonly ref = (s: string): number => {
    if (!this.refs) throw new Error('replay chunk: the table is the batch\'s');
    let i = this.refs.get(s);
    if (i === undefined) this.refs.set(s, (i = this.strings.push(s) - 1));
    return i;
  };

  /** A record with events starts (records without events change nothing in the ledger). */
  record(atRef: number): void {
    this.push(RECORD); this.push(this.checked(atRef));
  }

  event(e: PlacementEvent): void {
    this.push(EVENT);
    this.events.push(e);
  }

  /** An AllocationsReplaced in the flat layout at `ops[start]`; returns where it ends. */
  allocations(ops: ArrayLike<number>, start: number): number {
    // Start over before the event, never within it: its sets may refer to each other's resources.
    if (this.resourceIds.size >= this.tableMax || this.setIds.size >= this.tableMax) {
      this.resourceIds.clear();
      this.setIds.clear();
      this.push(RESET);
    }
    let i = start;
    const count = b(ops[i++]);
    const consumers: number[] = [];
    for (let c = 0; c < count; c++) {
      consumers.push(this.checked(ops[i++]), this.checked(ops[i++]), this.checked(ops[i++]));
      const type = b(ops[i++]);
      consumers.push(type < 0 ? -1 : this.checked(type), b(ops[i++]));
      let key = '';
      const parts: number[] = [];
      for (let p = b(ops[i++]); p > 0; p--) {
        const rp = this.checked(ops[i++]);
        let resKey = '';
        const pairs: number[] = [];
        for (let k = b(ops[i++]); k > 0; k--) {
          const rc = this.checked(ops[i++]);
          const amount = b(ops[i++]);
          resKey += `${this.strings[rc]}\0${amount}\0`;
          pairs.push(rc, amount);
        }
        const res = this.resources(resKey, pairs);
        parts.push(rp, res);
        key += `${this.strings[rp]}\0${res}\0`;
      }
      consumers.push(parts.length === 0 ? -1 : this.set(key, parts));
    }
    this.push(ALLOCATIONS); this.push(count);
    for (const x of consumers) this.push(x);
    const gensAt = this.n;
    this.push(b(ops[i++]));
    for (let g = this.ops[gensAt]!; g > 0; g--) { this.push(this.checked(ops[i++])); this.push(b(ops[i++])); }
    return i;
  }

  /** The chunk so far; the encoder starts a new one. */
  take(): ReplayChunk {
    const chunk = { strings: this.strings, ops: this.ops.slice(0, this.n), events: this.events };
    this.strings = [];
    this.refs = new Map();
    this.source = this.remap = undefined;
    this.n = 0;
    this.events = [];
    return chunk;
  }

  /** The number of the allocation set (provider, resources pairs), defined first if new. */
  private set(key: string, parts: number[]): number {
    return this.define(this.setIds, SET, key, parts);
  }

  /** The number of the resources (rc amount pairs), defined first if new. */
  private resources(key: string, pairs: number[]): number {
    return this.define(this.resourceIds, RESOURCES, key, pairs);
  }

  /** The number `ids` has for `key`; if new, the next one, defined in the chunk as `tag`, pair count, pairs. */
  private define(ids: Map<string, number>, tag: number, key: string, pairs: number[]): number {
    let id = ids.get(key);
    if (id !== undefined) return id;
    id = ids.size;
    ids.set(key, id);
    this.push(tag); this.push(pairs.length / 2);
    for (const x of pairs) this.push(x);
    return id;
  }

  /** The chunk's ref for a ref into the batch's table; a bad stored batch must not fold as undefined. */
  private checked(ref: number | undefined): number {
    const table = this.source ?? this.strings;
    if (ref === undefined || !(ref >= 0 && ref < table.length && Number.isInteger(ref))) {
      throw new Error(`replay chunk: bad string ref ${ref}`);
    }
    if (!this.source) return ref;
    let mapped = this.remap![ref]!;
    if (mapped < 0) this.remap![ref] = mapped = this.strings.push(this.source[ref]!) - 1;
    return mapped;
  }

  private push(x: number): void {
    if (this.n === this.ops.length) {
      const grown = new Float64Array(this.ops.length * 2);
      grown.set(this.ops);
      this.ops = grown;
    }
    this.ops[this.n++] = x;
  }
}

/** A number operand (a bad stored batch must not fold as NaN). */
function b(x: number | undefined): number {
  if (typeof x !== 'number') throw new Error('replay chunk: truncated');
  return x;
}

/** Folds chunks, in log order, into the ledger as the plain replay would. */
export class ChunkFold {
  private resources: Resources[] = [];
  private sets: Array<ReadonlyMap<string, Resources>> = [];

  constructor(private readonly ledger: Ledger) {}

  /** Returns how many events the chunk held. */
  fold(chunk: ReplayChunk): number {
    const ledger = this.ledger;
    const { strings, ops, events } = chunk;
    let at = '';
    let nextEvent = 0;
    let count = 0;
    for (let i = 0; i < ops.length;) {
      const op = ops[i++];
      if (op === BATCH) {
        ledger.lastSeq = ops[i++]!;
        ledger.epoch = Math.max(ledger.epoch, ops[i++]!);
      } else if (op === RECORD) {
        at = strings[ops[i++]!]!;
      } else if (op === EVENT) {
        evolve(ledger, events[nextEvent++]!, at);
        count++;
      } else if (op === RESOURCES) {
        const res = new Map<string, number>();
        for (let k = ops[i++]!; k > 0; k--) {
          const rc = strings[ops[i++]!]!;
          res.set(rc, ops[i++]!);
        }
        this.resources.push(res);
      } else if (op === SET) {
        const set = new Map<string, Resources>();
        for (let p = ops[i++]!; p > 0; p--) {
          const rp = strings[ops[i++]!]!;
          set.set(rp, this.resources[ops[i++]!]!);
        }
        this.sets.push(set);
      } else if (op === RESET) {
        this.resources = [];
        this.sets = [];
      } else if (op === ALLOCATIONS) {
        for (let c = ops[i++]!; c > 0; c--) {
          const uuid = strings[ops[i++]!]!;
          const projectId = strings[ops[i++]!]!;
          const userId = strings[ops[i++]!]!;
          const type = ops[i++]!;
          const generation = ops[i++]!;
          const setId = ops[i++]!;
          const old = releaseConsumer(ledger, uuid);
          const allocations = setId < 0 ? undefined : this.sets[setId]!;
          if (allocations) for (const [rpUuid, res] of allocations) claimOn(ledger, uuid, rpUuid, res);
          putConsumer(ledger, old, uuid, projectId, userId, type < 0 ? null : strings[type]!, generation, allocations, at);
        }
        for (let g = ops[i++]!; g > 0; g--) {
          const rpUuid = strings[ops[i++]!]!;
          touchProvider(ledger, rpUuid, ops[i++]!, at);
        }
        count++;
      } else {
        throw new Error(`replay chunk: unknown op ${op} at ${i - 1}`);
      }
    }
    return count;
  }
}
