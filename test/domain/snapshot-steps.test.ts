import { describe, expect, it } from 'vitest';
import { evolveRecord } from '../../src/domain/evolve.ts';
import { createLedger } from '../../src/domain/state.ts';
import { dumpLedger, dumpLedgerInSteps, ledgerState, restoreLedger } from '../../src/domain/snapshot.ts';
import { loadStandards } from '../../src/data/standards.ts';
import { Prng } from '../../src/testing/prng.ts';
import type { CommandRecord } from '../../src/domain/events.ts';
import { replayTestLog } from '../support/replay-log.ts';

const standards = loadStandards();

describe('snapshot dump in steps', () => {
  it('is of the moment it started, whatever the writer changes between its steps', () => {
    const batches = replayTestLog(new Prng(4));
    const half = Math.floor(batches.length / 2);
    const ledger = createLedger(standards);
    batches.slice(0, half).forEach((b, i) => b.records.forEach((r) => evolveRecord(ledger, r, i + 1)));
    ledger.lastSeq = half;
    const then = JSON.stringify(ledgerState(ledger));
    const whole = dumpLedger(ledger);

    const steps = dumpLedgerInSteps(ledger, 2);
    let step = steps.next();
    let yields = 0;
    let next = half;
    // Between steps, go on writing: consumers move, leave and come, providers change.
    while (!step.done) {
      yields++;
      const b = batches[next];
      if (b) b.records.forEach((r) => evolveRecord(ledger, r, ++next));
      step = steps.next();
    }
    expect(yields).toBeGreaterThan(3);
    expect(next).toBeGreaterThan(half + 3);
    expect(JSON.stringify(ledgerState(ledger))).not.toBe(then);

    const restored = restoreLedger(createLedger(standards), JSON.parse(JSON.stringify(step.value)))!;
    expect(JSON.stringify(ledgerState(restored))).toBe(then);
    expect(restored.lastSeq).toBe(half);
    expect(step.value).toEqual(whole);
  });
});

describe('snapshot restore', () => {
  it('shares one allocation set among consumers with equal allocations, and later writes touch only their own', () => {
    const batches = replayTestLog(new Prng(11));
    const half = Math.floor(batches.length / 2);
    const live = createLedger(standards);
    batches.slice(0, half).forEach((b, i) => b.records.forEach((r) => evolveRecord(live, r, i + 1)));
    const claim = (uuids: string[], resources: Record<string, number>, seq: number): CommandRecord => ({
      commandId: `claim-${seq}`, requestId: '', at: '2026-12-04T01:00:00.000Z', events: [{ type: 'AllocationsReplaced',
        providerGenerations: {}, consumers: uuids.map((uuid) => ({ uuid, projectId: 'p1', userId: 'u', consumerType: null,
          generation: seq, allocations: { 'rp-a': resources, 'rp-b': { VCPU: 1 } } })) }],
    });
    evolveRecord(live, claim(['same-1', 'same-2', 'same-3'], { VCPU: 2, MEMORY_MB: 64 }, half + 1), half + 1);
    live.lastSeq = half + 1;
    const restored = restoreLedger(createLedger(standards), JSON.parse(JSON.stringify(dumpLedger(live))))!;
    expect(JSON.stringify(ledgerState(restored))).toBe(JSON.stringify(ledgerState(live)));
    const same = ['same-1', 'same-2', 'same-3'].map((u) => restored.consumers.get(u)!.allocations);
    expect(same[1]).toBe(same[0]);
    expect(same[2]).toBe(same[0]);
    // Then one of them moves and the rest of the log goes onto both: the others keep what they had.
    const move = claim(['same-2'], { VCPU: 5 }, half + 2);
    for (const l of [live, restored]) {
      evolveRecord(l, move, half + 2);
      batches.slice(half).forEach((b, i) => b.records.forEach((r) => evolveRecord(l, r, half + i + 3)));
    }
    expect(restored.consumers.get('same-1')!.allocations.get('rp-a')).toEqual(new Map([['VCPU', 2], ['MEMORY_MB', 64]]));
    expect(restored.consumers.get('same-2')!.allocations.get('rp-a')).toEqual(new Map([['VCPU', 5]]));
    expect(JSON.stringify(ledgerState(restored))).toBe(JSON.stringify(ledgerState(live)));
    const sorted = (m: ReadonlyMap<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b));
    for (const rp of live.providers.values()) expect(sorted(restored.providers.get(rp.uuid)!.usages)).toEqual(sorted(rp.usages));
  });
});
