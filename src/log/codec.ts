/**
 * @module log/codec
 * The stored form of a batch. Written as v2: JSON with a string table and
 * the records as one array of numbers (ops), because JSON.parse pays per
 * value and an allocation written as objects keyed by provider uuid is ~20
 * values; as ops it is ~20 small integers, a third of the parsing. Events
 * other than allocations stay objects. v1 (plain JSON records) is still read.
 * Decoding refuses anything that is not a batch we wrote, so replay never
 * folds garbage.
 *
 * v2: {"v":2,"epoch":E,"strings":[...],"ops":[...],"events":[...],"refused":[...]}
 * ops, per record: commandId requestId at refused eventCount, then per event
 *   0   the next object of "events", or
 *   1   an AllocationsReplaced in the flat layout of domain/replay-chunk.ts
 *       (writeAllocations).
 * Strings are indexes into "strings"; refused is -1 for none, else an
 * index into "refused".
 */
import type { AllocationsReplaced, CommandRecord, ConsumerAllocationsSet, LogBatch, PlacementEvent } from '../domain/events.ts';
import type { Rejection } from '../domain/rejections.ts';
import { writeAllocations } from '../domain/replay-chunk.ts';
import { wellFormedColumns, wellFormedRecords } from './well-formed.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const EVENT_OBJECT = 0;
export const EVENT_ALLOCATIONS = 1;

/** A v2 batch as parsed, before its records are built. */
export interface StoredColumns {
  readonly v: 2;
  readonly epoch: number;
  readonly strings: string[];
  readonly ops: number[];
  readonly events: PlacementEvent[];
  readonly refused: Rejection[];
}

export function encodeBatch(batch: LogBatch): Uint8Array {
  const strings: string[] = [];
  const refs = new Map<string, number>();
  const ops: number[] = [];
  const events: PlacementEvent[] = [];
  const refused: Rejection[] = [];
  const ref = (s: string): number => {
    let i = refs.get(s);
    if (i === undefined) refs.set(s, (i = strings.push(s) - 1));
    return i;
  };
  for (const r of batch.records) {
    ops.push(ref(r.commandId), ref(r.requestId), ref(r.at), r.refused ? refused.push(r.refused) - 1 : -1, r.events.length);
    for (const e of r.events) {
      if (e.type !== 'AllocationsReplaced') {
        ops.push(EVENT_OBJECT);
        events.push(e);
      } else {
        ops.push(EVENT_ALLOCATIONS);
        writeAllocations(e, ref, ops);
      }
    }
  }
  const stored: StoredColumns = { v: 2, epoch: batch.epoch, strings, ops, events, refused };
  return encoder.encode(JSON.stringify(stored));
}

/** The parsed message: v2 columns, a v1 batch, or null if it is not shaped as a batch we write (well-formed.ts). */
export function parseStored(data: Uint8Array): StoredColumns | LogBatch | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(data));
  } catch {
    return null;
  }
  const b = parsed as { v?: unknown; epoch?: unknown };
  if (!b || typeof b.epoch !== 'number') return null;
  if (b.v === 1) return Array.isArray((b as LogBatch).records) && wellFormedRecords(b as LogBatch) ? b as LogBatch : null;
  if (b.v !== 2) return null;
  const c = b as StoredColumns;
  return Array.isArray(c.strings) && Array.isArray(c.ops) && Array.isArray(c.events) && Array.isArray(c.refused)
    && wellFormedColumns(c) ? c : null;
}

export function decodeBatch(data: Uint8Array): LogBatch | null {
  const stored = parseStored(data);
  if (stored === null || stored.v === 1) return stored;
  try {
    return { v: 1, epoch: stored.epoch, records: recordsOf(stored) };
  } catch {
    return null;
  }
}

/** Reads v2 ops in order; throws on anything malformed. */
class OpReader {
  private i = 0;
  constructor(private readonly c: StoredColumns) {}
  get more(): boolean { return this.i < this.c.ops.length; }
  num(): number {
    const n = this.c.ops[this.i++];
    if (typeof n !== 'number') throw new Error('truncated');
    return n;
  }
  str(): string { return this.at(this.num()); }
  at(ref: number): string {
    const s = this.c.strings[ref];
    if (typeof s !== 'string') throw new Error('bad string');
    return s;
  }
}

function recordsOf(c: StoredColumns): CommandRecord[] {
  const r = new OpReader(c);
  let nextEvent = 0;
  const records: CommandRecord[] = [];
  while (r.more) {
    const commandId = r.str();
    const requestId = r.str();
    const at = r.str();
    const refusedAt = r.num();
    const events: PlacementEvent[] = [];
    for (let n = r.num(); n > 0; n--) {
      const kind = r.num();
      if (kind === EVENT_OBJECT) {
        const e = c.events[nextEvent++];
        if (!e || typeof e !== 'object') throw new Error('missing event');
        events.push(e);
      } else if (kind === EVENT_ALLOCATIONS) events.push(allocationsOf(r));
      else throw new Error(`unknown event kind ${kind}`);
    }
    if (refusedAt < 0) records.push({ commandId, requestId, at, events });
    else {
      const refused = c.refused[refusedAt];
      if (!refused) throw new Error('missing refusal');
      records.push({ commandId, requestId, at, events, refused });
    }
  }
  return records;
}

function allocationsOf(r: OpReader): AllocationsReplaced {
  const consumers: ConsumerAllocationsSet[] = [];
  for (let n = r.num(); n > 0; n--) {
    const uuid = r.str();
    const projectId = r.str();
    const userId = r.str();
    const type = r.num();
    const consumerType = type < 0 ? null : r.at(type);
    const generation = r.num();
    const allocations: Record<string, Record<string, number>> = {};
    for (let p = r.num(); p > 0; p--) {
      const rp = r.str();
      const res: Record<string, number> = {};
      for (let k = r.num(); k > 0; k--) {
        const rc = r.str();
        res[rc] = r.num();
      }
      allocations[rp] = res;
    }
    consumers.push({ uuid, projectId, userId, consumerType, generation, allocations });
  }
  const providerGenerations: Record<string, number> = {};
  for (let g = r.num(); g > 0; g--) {
    const rp = r.str();
    providerGenerations[rp] = r.num();
  }
  return { type: 'AllocationsReplaced', consumers, providerGenerations };
}
