import { describe, expect, it } from 'vitest';
import { evolveRecord } from '../../src/domain/evolve.ts';
import { createLedger } from '../../src/domain/state.ts';
import { dumpLedger, dumpLedgerInSteps, ledgerState, restoreLedger } from '../../src/domain/snapshot.ts';
import { loadStandards } from '../../src/data/standards.ts';
import { Prng } from '../../src/testing/prng.ts';
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
