/**
 * @module log/well-formed
 * Whether a parsed stored message has exactly the shape our writer gives a
 * batch. Both replay paths (one thread, and the parse worker) ask this one
 * question before folding a message, so they skip the same messages and
 * build the same ledger from any log, even one with foreign messages in it.
 * Names and numbers are checked here; whether the events make sense (the
 * provider exists, the class has room) is the invariants' job.
 */
import type { LogBatch } from '../domain/events.ts';
import { EVENT_ALLOCATIONS, EVENT_OBJECT, type StoredColumns } from './codec.ts';

const NAME = /^[A-Z0-9_]+$/;

const count = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
const integer = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n);
const text = (s: unknown): s is string => typeof s === 'string';
const isObject = (o: unknown): o is Record<string, unknown> => typeof o === 'object' && o !== null && !Array.isArray(o);
const eventObject = (e: unknown): boolean => isObject(e) && text(e.type) && e.type !== 'AllocationsReplaced';
const refusal = (r: unknown): boolean => isObject(r) && text(r.kind) && text(r.detail);

/** A v2 batch: every op a number of the right kind, every reference in range. */
export function wellFormedColumns(c: StoredColumns): boolean {
  const { strings, ops, events, refused } = c;
  if (!integer(c.epoch) || !strings.every(text) || !events.every(eventObject) || !refused.every(refusal)) return false;
  let i = 0;
  let nextEvent = 0;
  const num = (): number | undefined => {
    const n = ops[i++];
    return integer(n) ? n : undefined;
  };
  const str = (): boolean => {
    const n = num();
    return n !== undefined && n >= 0 && n < strings.length;
  };
  // Each table entry is tested as a name once: 0 not yet, 1 a name, 2 not.
  const names = new Uint8Array(strings.length);
  const nameAt = (n: number | undefined): boolean => {
    if (n === undefined || n < 0 || n >= strings.length) return false;
    if (names[n] === 0) names[n] = NAME.test(strings[n]!) ? 1 : 2;
    return names[n] === 1;
  };
  const name = (): boolean => nameAt(num());
  // A count can never exceed the ops left: it bounds every loop by the message's size.
  const many = (): number => {
    const n = num();
    return n !== undefined && n >= 0 && n <= ops.length - i ? n : -1;
  };
  const allocations = (): boolean => {
    for (let k = many(); k !== 0; k--) {
      if (k < 0 || !str() || !str() || !str()) return false;
      const type = num();
      if (type !== -1 && !nameAt(type)) return false;
      if (!count(num())) return false;
      for (let p = many(); p !== 0; p--) {
        if (p < 0 || !str()) return false;
        for (let r = many(); r !== 0; r--) if (r < 0 || !name() || !count(num())) return false;
      }
    }
    for (let g = many(); g !== 0; g--) if (g < 0 || !str() || !count(num())) return false;
    return true;
  };
  while (i < ops.length) {
    if (!str() || !str() || !str()) return false;
    const refusedAt = num();
    if (refusedAt === undefined || refusedAt < -1 || refusedAt >= refused.length) return false;
    for (let e = many(); e !== 0; e--) {
      if (e < 0) return false;
      const kind = num();
      if (kind === EVENT_OBJECT) {
        if (nextEvent++ >= events.length) return false;
      } else if (kind !== EVENT_ALLOCATIONS || !allocations()) return false;
    }
  }
  return nextEvent === events.length;
}

/** A v1 batch: records of strings and event objects, allocations as the writer gave them. */
export function wellFormedRecords(b: LogBatch): boolean {
  if (!integer(b.epoch)) return false;
  for (const r of b.records as unknown[]) {
    if (!isObject(r) || !text(r.commandId) || !text(r.requestId) || !text(r.at) || !Array.isArray(r.events)) return false;
    if (r.refused !== undefined && !refusal(r.refused)) return false;
    for (const e of r.events as unknown[]) {
      if (!isObject(e) || !text(e.type)) return false;
      if (e.type === 'AllocationsReplaced' && !allocationsObject(e)) return false;
    }
  }
  return true;
}

function allocationsObject(e: Record<string, unknown>): boolean {
  const { consumers, providerGenerations } = e;
  if (!Array.isArray(consumers) || !isObject(providerGenerations)) return false;
  if (!Object.values(providerGenerations).every(count)) return false;
  return consumers.every((c: unknown) => isObject(c) && text(c.uuid) && text(c.projectId) && text(c.userId)
    && (c.consumerType === null || (text(c.consumerType) && NAME.test(c.consumerType)))
    && count(c.generation) && isObject(c.allocations)
    && Object.values(c.allocations).every((res) => isObject(res)
      && Object.entries(res).every(([rc, n]) => NAME.test(rc) && count(n))));
}
