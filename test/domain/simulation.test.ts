/**
 * The deterministic simulation (src/testing/simulation.ts): a few seeds,
 * quickly. SEED=<n> replays one seed (SIM_TRACE=1 prints every event,
 * SIM_BUG=ack-unknown-append plants the bug), SIM_OPS=<n> sets the
 * operations per seed. The CI-sized run (>= 1,000,000
 * operations) is test/sim/; `npm run test:sim` runs both.
 */
import { describe, expect, it } from 'vitest';
import { simulate, SimulationFailure, type SimulationReport } from '../../src/testing/simulation.ts';

const OPS = Number(process.env.SIM_OPS ?? 3000);
const SEED = process.env.SEED;
const BUG = process.env.SIM_BUG === 'ack-unknown-append' ? 'ack-unknown-append' as const : undefined;

export function summary(r: SimulationReport): string {
  const c = r.counters;
  return `sim seed=${r.seed} ops=${r.ops} commands=${r.commands} steps=${r.steps} log=${r.logSeq} ` +
    `ok=${c.ok} refused=${c.refused} unavailable=${c.unavailable} crashes=${c.crashes} fenced=${c.fenced} ` +
    `faults(rejected=${c.rejected} ackLost=${c.ackLost} late=${c.storedLate} reads=${c.readFailed}) ` +
    `sim=${(r.simMs / 1000).toFixed(1)}s wall=${r.wallMs.toFixed(0)}ms digest=${r.digest}`;
}

describe('simulation', () => {
  if (SEED !== undefined) {
    it(`replays seed ${SEED}`, async () => {
      const trace = process.env.SIM_TRACE ? (l: string) => console.log(l) : undefined;
      const r = await simulate({ seed: Number(SEED), ops: OPS, ...(trace ? { trace } : {}), ...(BUG ? { plantedBug: BUG } : {}) });
      console.log(summary(r));
    }, 600_000);
    return;
  }

  it('drives the writer through faults on seeds 1..6 and every check holds', async () => {
    let ops = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const r = await simulate({ seed, ops: OPS });
      console.log(summary(r));
      expect(r.ops).toBeGreaterThanOrEqual(OPS);
      ops += r.ops;
    }
    console.log(`sim: ${ops} operations on seeds 1..6`);
  }, 120_000);

  it('replays a seed exactly', async () => {
    const a = await simulate({ seed: 7, ops: 2000 });
    const b = await simulate({ seed: 7, ops: 2000 });
    expect(b.digest).toBe(a.digest);
    expect(b.steps).toBe(a.steps);
    expect(b.logSeq).toBe(a.logSeq);
    expect(b.counters).toEqual(a.counters);
    const c = await simulate({ seed: 8, ops: 2000 });
    expect(c.digest).not.toBe(a.digest);
  }, 60_000);

  it('catches a bug planted in the writer (an unknown append taken for a success) and names the seed', async () => {
    const caught: SimulationFailure[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      try {
        await simulate({ seed, ops: OPS, plantedBug: 'ack-unknown-append' });
      } catch (err) {
        if (!(err instanceof SimulationFailure)) throw err;
        caught.push(err);
      }
    }
    expect(caught.length).toBeGreaterThan(0);
    const first = caught[0]!;
    console.log(`planted bug caught on ${caught.length} of 10 seeds (${caught.map((f) => f.seed).join(', ')}); ` +
      `first report:\n${first.message.split('\n').slice(0, 3).join('\n')}`);
    expect(first.message).toMatch(new RegExp(`seed ${first.seed} failed at step \\d+: acknowledged but not durable`));
    expect(first.message).toContain(`SEED=${first.seed} SIM_OPS=${OPS} SIM_BUG=ack-unknown-append`);
    // The printed seed replays the very same failure; without the bug the same seed passes.
    await expect(simulate({ seed: first.seed, ops: OPS, plantedBug: 'ack-unknown-append' })).rejects.toThrow(first.message);
    const clean = await simulate({ seed: first.seed, ops: OPS });
    expect(clean.ops).toBeGreaterThanOrEqual(OPS);
  }, 120_000);
});
