import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/domain/bounded-map.ts';
import { evolveRecord, ReplayFold } from '../../src/domain/evolve.ts';
import type { Ledger } from '../../src/domain/model.ts';
import type { CommandRecord } from '../../src/domain/events.ts';
import { createLedger } from '../../src/domain/state.ts';
import { ledgerState } from '../../src/domain/snapshot.ts';
import { loadStandards } from '../../src/data/standards.ts';

const ledger = (max: number): Ledger => ({ ...createLedger(loadStandards()), appliedCommands: new BoundedMap(max) });
const records: CommandRecord[] = Array.from({ length: 10 }, (_, i) => ({
  commandId: `cmd-${i}`, requestId: `req-${i}`, at: `2026-01-01T00:00:0${i}.000Z`,
  events: [{ type: 'TraitCreated', name: `CUSTOM_T${i}` }],
}));

describe('ReplayFold', () => {
  it('leaves the ledger as evolveRecord on every record does, remembering only the newest', () => {
    for (const count of [0, 2, 3, 10]) {
      const one = ledger(3);
      const folded = ledger(3);
      const fold = new ReplayFold(folded);
      records.slice(0, count).forEach((r, i) => { evolveRecord(one, r, i + 1); fold.record(r, i + 1); });
      fold.finish();
      expect(ledgerState(folded)).toEqual(ledgerState(one));
      expect([...folded.appliedCommands]).toEqual([...one.appliedCommands]);
      expect(folded.appliedCommands.size).toBe(Math.min(count, 3));
    }
  });
});
