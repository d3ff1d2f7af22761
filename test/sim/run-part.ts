/**
 * One part of the CI-sized simulation, in its own process (forked by
 * simulation-ci.test.ts with `--import tsx`): seeds base+part, base+part+parts,
 * ... until this part's share of the operations is reached. Reports over IPC.
 */
import { simulate, SimulationFailure } from '../../src/testing/simulation.ts';

export interface PartReport {
  readonly part: number;
  readonly ops: number;
  readonly steps: number;
  readonly seeds: readonly number[];
  readonly wallMs: number;
  readonly cpuMs: number;
  /** Counters summed over the seeds (faults injected, checks made). */
  readonly counters: Record<string, number>;
  readonly failure?: string;
}

const part = Number(process.env.SIM_PART ?? 0);
const parts = Number(process.env.SIM_PARTS ?? 1);
const base = Number(process.env.SIM_BASE ?? 1000);
const perSeed = Number(process.env.SIM_OPS ?? 10_000);
const share = Number(process.env.SIM_SHARE ?? 500_000);

const started = performance.now();
const cpu0 = process.cpuUsage();
let ops = 0;
let steps = 0;
let failure: string | undefined;
const counters: Record<string, number> = {};
const seeds: number[] = [];
for (let seed = base + part; ops < share; seed += parts) {
  seeds.push(seed);
  try {
    const r = await simulate({ seed, ops: perSeed });
    ops += r.ops;
    steps += r.steps;
    for (const [k, v] of Object.entries(r.counters)) counters[k] = (counters[k] ?? 0) + v;
  } catch (err) {
    failure = err instanceof SimulationFailure ? err.message : `seed ${seed}: ${err instanceof Error ? err.stack : String(err)}`;
    break;
  }
}
const report: PartReport = {
  part, ops, steps, seeds, counters, wallMs: performance.now() - started, cpuMs: process.cpuUsage(cpu0).user / 1000,
  ...(failure ? { failure } : {}),
};
if (process.send) process.send(report, () => process.exit(0));
else console.log(JSON.stringify(report));
