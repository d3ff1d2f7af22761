/**
 * The service on an outside nats-server (NATS_URL), and that server killed
 * (kill -9) or restarted under a write load: the service reconnects by
 * itself, requests caught in the outage get a clear 503 (never a false 2xx,
 * never a 500 or a hang), and the state is exactly the acknowledged writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.ts';
import { startService, type ServiceProcess } from '../support/service-process.ts';
import { claimOnce, createProviders, firstAckAfter, newClaim, newTally, runLoad, sleep, verify, type Provider } from './load.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'placement-fault-nats-'));
let ns: NatsServerHandle;
let svc: ServiceProcess;
let providers: Provider[];
// Four roomy providers, four that fill up (409s), claims on one or two of them; new ones per test.
const capacities = [100_000, 100_000, 100_000, 100_000, 150, 150, 150, 150];

beforeAll(async () => {
  ns = await startNatsServer();
  svc = await startService(dataDir, { NATS_URL: ns.url });
}, 30_000);

afterAll(async () => {
  await svc?.killGroup();
  await ns?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function outageUnderLoad(label: string, outage: () => Promise<void>): Promise<void> {
  providers = await createProviders(svc.url, capacities);
  const tally = newTally();
  let stop = false;
  const load = runLoad({ target: () => svc.url, providers, clients: 64, stop: () => stop, maxMs: 40_000, maxPerClient: 5000, tally });
  await sleep(1500);
  const before = tally.claims.filter((c) => c.outcome === 'acked').length;
  const port = ns.port;
  const probes: Promise<void>[] = [];
  let back: number;
  try {
    await outage();
    const backAt = Date.now();
    expect(ns.port).toBe(port); // same address, or the service could not find it again
    // The 64 clients may all be waiting out requests lost in the outage: a probe claim every
    // 200 ms tells when the service writes again.
    const probing = setInterval(() => probes.push(claimOnce(svc.url, newClaim(providers), tally)), 200);
    try {
      back = await firstAckAfter(tally, backAt, 25_000).catch((err: Error) => {
        throw new Error(`${err.message} of the nats-server coming back:\n${svc.output().slice(-3000)}`);
      });
    } finally {
      clearInterval(probing);
    }
    await sleep(1500);
  } finally {
    stop = true;
    await load;
    await Promise.all(probes);
  }
  await sleep(500);
  const f = await verify(svc.url, label, providers, tally);
  if (process.env.FAULT_DEBUG) console.log(svc.output().slice(-4000));
  console.log(`[${label}] ${before} acknowledged before the outage; service writing again ${back} ms after ` +
    `nats-server was back (first acknowledged probe); ${tally.claims.length} requests in all`);
  expect(before).toBeGreaterThan(0);
  expect(f.acknowledged).toBeGreaterThan(before);
}

describe('nats-server killed or restarted under a write load', () => {
  it('kill -9 of nats-server, down 1 s: the service reconnects, in-flight requests get 503, state = acknowledged writes', async () => {
    await outageUnderLoad('nats kill -9', async () => {
      await ns.kill9();
      await sleep(1000);
      await ns.restart();
    });
  }, 60_000);

  it('kill -9 of nats-server, down longer than the writer retries an append: it rebuilds from the log, the same', async () => {
    await outageUnderLoad('nats kill -9, down 22 s', async () => {
      await ns.kill9();
      await sleep(22_000);
      await ns.restart();
    });
    expect(svc.output()).toMatch(/writer: epoch \d+ from seq/);
  }, 60_000);

  it('restart (SIGTERM) of nats-server: the same', async () => {
    await outageUnderLoad('nats restart', () => ns.restart());
  }, 60_000);
});
