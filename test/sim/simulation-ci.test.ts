/**
 * The CI-sized deterministic simulation: >= 1,000,000 operations (commands
 * delivered to writers) over seeds SIM_BASE.. (default 1000), SIM_OPS per
 * seed (default 10,000), split over two processes so both cores work.
 * SIM_TOTAL_OPS changes the total. A failure names its seed and how to
 * replay it (test/domain/simulation.test.ts with SEED=...).
 */
import { expect, it } from 'vitest';
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { PartReport } from './run-part.ts';

const TOTAL = Number(process.env.SIM_TOTAL_OPS ?? 1_000_000);
const PARTS = Math.max(1, Math.min(2, availableParallelism()));

function runPart(part: number): Promise<PartReport> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./run-part.ts', import.meta.url).pathname, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, SIM_PART: String(part), SIM_PARTS: String(PARTS), SIM_SHARE: String(Math.ceil(TOTAL / PARTS)) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let report: PartReport | undefined;
    child.on('message', (m) => { report = m as PartReport; });
    child.on('error', reject);
    child.on('exit', (code) => (report ? resolve(report) : reject(new Error(`simulation part ${part} exited ${code} without a report`))));
  });
}

it(`simulation, CI size: >= ${TOTAL} operations over ${PARTS} processes`, async () => {
  const started = performance.now();
  const reports = await Promise.all(Array.from({ length: PARTS }, (_, p) => runPart(p)));
  const wallMs = performance.now() - started;
  let ops = 0;
  let steps = 0;
  let cpuMs = 0;
  for (const r of reports) {
    ops += r.ops;
    steps += r.steps;
    cpuMs += r.cpuMs;
    console.log(`sim part ${r.part + 1}/${PARTS}: ${r.ops} operations, ${r.steps} steps, ` +
      `${r.seeds.length} seeds (${r.seeds[0]}, ${r.seeds[1] ?? ''}.. ${r.seeds.at(-1)}) in ${(r.wallMs / 1000).toFixed(1)} s ` +
      `(${(r.cpuMs / 1000).toFixed(1)} s cpu)${r.failure ? ' FAILED' : ''}`);
  }
  console.log(`sim total: ${ops} operations, ${steps} steps in ${(wallMs / 1000).toFixed(1)} s wall ` +
    `(${(cpuMs / 1000).toFixed(1)} s cpu): ${Math.round(ops / (wallMs / 1000))} ops/s`);
  const sum: Record<string, number> = {};
  for (const r of reports) for (const [k, v] of Object.entries(r.counters)) sum[k] = (sum[k] ?? 0) + v;
  console.log(`sim faults and checks: ${Object.entries(sum).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  for (const r of reports) if (r.failure) throw new Error(r.failure);
  expect(ops).toBeGreaterThanOrEqual(TOTAL);
}, 900_000);
