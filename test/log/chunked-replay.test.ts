import { describe, expect, it } from 'vitest';
import { encodeBatch } from '../../src/log/codec.ts';
import { ReplayParser } from '../../src/log/replay-parser.ts';
import { ChunkFold } from '../../src/domain/replay-chunk.ts';
import { ReplayFold, rememberAll } from '../../src/domain/evolve.ts';
import { createLedger } from '../../src/domain/state.ts';
import { loadStandards } from '../../src/data/standards.ts';
import { BoundedMap } from '../../src/domain/bounded-map.ts';
import type { LogBatch } from '../../src/domain/events.ts';
import { everything, replayTestLog } from '../support/replay-log.ts';
import type { Ledger } from '../../src/domain/model.ts';
import { Prng } from '../../src/testing/prng.ts';

const standards = loadStandards();
const fresh = (): Ledger => ({ ...createLedger(standards), appliedCommands: new BoundedMap(50) });

describe('chunked replay (start-up worker path)', () => {
  for (const seed of [1, 2, 3]) {
    it(`leaves the ledger plain replay leaves, from v1 and v2 batches (seed ${seed})`, () => {
      const batches = replayTestLog(new Prng(seed));
      const plain = fresh();
      const fold = new ReplayFold(plain);
      batches.forEach((b, i) => { for (const r of b.records) fold.record(r, i + 1); plain.lastSeq = i + 1; plain.epoch = 1; });
      fold.finish();
      for (const [name, encode] of [['v2', encodeBatch], ['v1', (b: LogBatch) => new TextEncoder().encode(JSON.stringify(b))]] as const) {
        for (const tableMax of [3, 1 << 16]) {
          const chunked = fresh();
          const parser = new ReplayParser(chunked.appliedCommands.max, tableMax);
          const chunks = new ChunkFold(chunked);
          batches.forEach((b, i) => chunks.fold(parser.batch(encode(b), i + 1)));
          rememberAll(chunked, parser.finish());
          expect(everything(chunked), `${name} tableMax ${tableMax}`).toEqual(everything(plain));
        }
      }
      expect(plain.consumers.size).toBeGreaterThan(5);
    });
  }
});
