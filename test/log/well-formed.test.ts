import { describe, expect, it } from 'vitest';
import { encodeBatch, decodeBatch } from '../../src/log/codec.ts';
import { ReplayParser } from '../../src/log/replay-parser.ts';
import { ChunkFold } from '../../src/domain/replay-chunk.ts';
import { ReplayFold, rememberAll } from '../../src/domain/evolve.ts';
import { createLedger } from '../../src/domain/state.ts';
import { loadStandards } from '../../src/data/standards.ts';
import type { CommandRecord, LogBatch, PlacementEvent } from '../../src/domain/events.ts';
import type { Ledger } from '../../src/domain/model.ts';
import { everything } from '../support/replay-log.ts';

// Foreign messages on the log (not written by a writer of this service): both replay paths
// must skip exactly the same ones, so a start on either path leaves the same ledger, and
// that ledger is the one the log without them leaves.

const standards = loadStandards();
const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const C = 'cccccccc-0000-4000-8000-000000000003';
const T = '2026-12-04T00:00:00.000Z';
const inv = (total: number) => ({ total, reserved: 0, min_unit: 1, max_unit: 1000, step_size: 1, allocation_ratio: 1 });
const text = new TextEncoder();

let n = 0;
const record = (events: PlacementEvent[]): CommandRecord => ({ commandId: `own-${n++}`, requestId: `req-${n}`, at: T, events });
const stored = (records: CommandRecord[]): Uint8Array => encodeBatch({ v: 1, epoch: 1, records });

/** Providers A and B with VCPU, one consumer on A; then, after the foreign part, one on B and
 * enough records that the foreign message is older than the outcomes kept with their events. */
function ownLog(): { head: Uint8Array[]; tail: Uint8Array[] } {
  n = 0;
  const head = [
    stored([record([{ type: 'WriterStarted', epoch: 1 }])]),
    stored([A, B].map((uuid) => record([{ type: 'ResourceProviderCreated', uuid, name: uuid, parentUuid: null, rootUuid: uuid }]))),
    stored([A, B].map((uuid) => record([{ type: 'InventoriesReplaced', uuid, generation: 1, inventories: { VCPU: inv(100) } }]))),
    stored([record([{ type: 'AllocationsReplaced', consumers: [{ uuid: C, projectId: 'p', userId: 'u', consumerType: 'INSTANCE',
      generation: 1, allocations: { [A]: { VCPU: 2 } } }], providerGenerations: { [A]: 2 } }])]),
  ];
  const tail = [
    stored([record([{ type: 'AllocationsReplaced', consumers: [{ uuid: 'dddddddd-0000-4000-8000-000000000004', projectId: 'p',
      userId: 'u', consumerType: null, generation: 1, allocations: { [B]: { VCPU: 5 } } }], providerGenerations: { [B]: 2 } }])]),
    stored(Array.from({ length: 10_001 }, () => record([]))),
  ];
  return { head, tail };
}

const v2 = (strings: unknown[], ops: unknown[], events: unknown[] = [], refused: unknown[] = [], epoch: unknown = 1) =>
  JSON.stringify({ v: 2, epoch, strings, ops, events, refused });
const v1 = (records: unknown[]) => JSON.stringify({ v: 1, epoch: 1, records });
// A well-formed v2 allocation of consumer E on A (VCPU 3), to break one piece at a time.
const E = 'eeeeeeee-0000-4000-8000-000000000005';
const S = ['f-cmd', 'f-req', T, E, 'p', 'u', 'INSTANCE', A, 'VCPU'];
const ops = (over: Record<number, unknown> = {}) =>
  [0, 1, 2, -1, 1, 1, 1, 3, 4, 5, 6, 1, 1, 7, 1, 8, 3, 1, 7, 3].map((x, i) => (i in over ? over[i] : x));
const allocation = (uuid: string, resources: unknown) => ({ type: 'AllocationsReplaced', providerGenerations: {},
  consumers: [{ uuid, projectId: 'p', userId: 'u', consumerType: 'INSTANCE', generation: 1, allocations: { [A]: resources } }] });

const foreign: Record<string, string[]> = {
  'not JSON, or not a batch': ['hello', '{"v":2', '[]', 'null', '{}', '{"v":3,"epoch":1}', '{"v":2,"epoch":1,"strings":[],"ops":[]}'],
  'a string reference past the table': [v2(S, ops({ 1: 99 }))],
  'a string reference to a number': [v2([...S, 42], ops({ 1: 9 }))],
  'a reference written as a string': [v2(S, ops({ 0: '0' }))],
  'a project that is a number': [v2(S.map((s, i) => (i === 4 ? 5 : s)), ops())],
  'a consumer type that is null in the table': [v2(S.map((s, i) => (i === 6 ? null : s)), ops())],
  'a refusal index written as a string': [v2([...S, 'f2'], [9, 1, 2, '0', 0, ...ops()], [], [{ kind: 'Conflict', detail: 'x' }])],
  'a refusal index past the refusals': [v2(S, ops({ 3: 4 }))],
  'ops cut short': [v2(S, ops().slice(0, 12))],
  'a count larger than the message': [v2(S, ops({ 6: 1e9 }))],
  'a negative count': [v2(S, ops({ 6: -3 }))],
  'a negative amount': [v2(S, ops({ 16: -3 }))],
  'a fractional amount': [v2(S, ops({ 16: 0.5 }))],
  'a class named __proto__': [v2(S.map((s) => (s === 'VCPU' ? '__proto__' : s)), ops())],
  'a class name with NULs (would collide when interned)': [v2(S.map((s) => (s === 'VCPU' ? 'VCPU\u00001\u0000X' : s)), ops())],
  'an event object that is not an object': [v2(['x', 'r', T], [0, 1, 2, -1, 1, 0], [7])],
  'an event object too few': [v2(['x', 'r', T], [0, 1, 2, -1, 1, 0])],
  'an event object too many': [v2(['x', 'r', T], [0, 1, 2, -1, 0], [{ type: 'TraitCreated', name: 'CUSTOM_X' }])],
  'an epoch that is not an integer': [v2(S, ops(), [], [], 1.5)],
  'a v1 record without events': [v1([{ commandId: 'x', requestId: 'y', at: T }])],
  'a v1 record that is null': [v1([null])],
  'a v1 amount that is a string': [v1([{ commandId: 'x', requestId: 'y', at: T, events: [allocation(E, { VCPU: '3' })] }])],
  'a v1 class that is not a class name': [v1([{ commandId: 'x', requestId: 'y', at: T, events: [allocation(E, { vcpu: 3 })] }])],
};

function oneThread(messages: Uint8Array[]): { ledger: Ledger; skipped: number[] } {
  const ledger = createLedger(standards);
  const fold = new ReplayFold(ledger);
  const skipped: number[] = [];
  messages.forEach((data, i) => {
    const batch: LogBatch | null = decodeBatch(data);
    if (!batch) { skipped.push(i + 1); return; }
    ledger.epoch = Math.max(ledger.epoch, batch.epoch);
    for (const r of batch.records) fold.record(r, i + 1);
    ledger.lastSeq = i + 1;
  });
  fold.finish();
  ledger.lastSeq = messages.length;
  return { ledger, skipped };
}

function chunked(messages: Uint8Array[]): { ledger: Ledger; skipped: number[] } {
  const ledger = createLedger(standards);
  const parser = new ReplayParser(ledger.appliedCommands.max);
  const fold = new ChunkFold(ledger);
  messages.forEach((data, i) => fold.fold(parser.batch(data, i + 1)));
  rememberAll(ledger, parser.finish());
  ledger.lastSeq = messages.length;
  const s = parser.skipped;
  return { ledger, skipped: s ? [s.firstSeq, s.count] : [] };
}

describe('foreign messages on the log', () => {
  const { head, tail } = ownLog();
  const withoutForeign = everything(oneThread([...head, ...tail]).ledger);
  // The same sequences as with one foreign message in place (lastSeq moves by one).
  const expected = (k: number) => ({ ...withoutForeign, seq: withoutForeign.seq + k,
    applied: withoutForeign.applied.map(([id, o]) => [id, { ...o, seq: o.seq > head.length ? o.seq + k : o.seq }]) });

  for (const [what, messages] of Object.entries(foreign)) {
    it(`are skipped alike by both replay paths: ${what}`, () => {
      const log = [...head, ...messages.map((m) => text.encode(m)), ...tail];
      const one = oneThread(log);
      const two = chunked(log);
      expect(one.skipped).toEqual(messages.map((_, i) => head.length + 1 + i));
      expect(two.skipped).toEqual([head.length + 1, messages.length]);
      expect(everything(two.ledger)).toEqual(everything(one.ledger));
      expect(everything(one.ledger)).toEqual(expected(messages.length));
    });
  }

  it('the controls are folded, not skipped, by both paths', () => {
    for (const control of [v2(S, ops()), v1([{ commandId: 'x', requestId: 'y', at: T, events: [allocation(E, { VCPU: 3 })] }])]) {
      const log = [...head, text.encode(control), ...tail];
      const one = oneThread(log);
      const two = chunked(log);
      expect(one.skipped).toEqual([]);
      expect(two.skipped).toEqual([]);
      expect(one.ledger.consumers.get(E)?.allocations.get(A)?.get('VCPU')).toBe(3);
      expect(everything(two.ledger)).toEqual(everything(one.ledger));
    }
  });

  it('a well-formed batch that breaks an invariant stops both paths alike', () => {
    const missing = v2(S.map((s) => (s === A ? '99999999-0000-4000-8000-000000000009' : s)), ops());
    const log = [...head, text.encode(missing), ...tail];
    expect(() => oneThread(log)).toThrow(/provider 99999999-0000-4000-8000-000000000009 exists/);
    expect(() => chunked(log)).toThrow(/provider 99999999-0000-4000-8000-000000000009 exists/);
  });
});
