/**
 * kill -9 of the service during a write load, then a restart on the same
 * DATA_DIR: every acknowledged write is there, nothing unacknowledged is half
 * there, no provider is oversubscribed, and the log passes `audit verify`.
 *
 * - the service alone, on an outside nats-server that keeps the commands it
 *   left queued (they are applied by the next writer, or refused once past
 *   their deadline);
 * - the service alone, with its embedded nats-server left orphaned;
 * - the whole process group of `setsid npm start` (npm, tsx, the service and
 *   its embedded nats-server), three times in a row under 64 writing clients.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.ts';
import { processesUsing, startService, type ServiceProcess } from '../support/service-process.ts';
import { setsidNpmStart, type NpmStart } from './npm-start.ts';
import { firstAckAfter, settled, sleep, underLoad, verify } from './load.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
const services: ServiceProcess[] = [];
const groups: NpmStart[] = [];
let ns: NatsServerHandle | undefined;

afterAll(async () => {
  for (const s of services) await s.killGroup();
  for (const g of groups) await g.killGroup();
  await ns?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'placement-fault-svc-'));
  dirs.push(d);
  return d;
}

async function start(dataDir: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const s = await startService(dataDir, { LOG_LEVEL: 'warn', ...env });
  services.push(s);
  return s;
}

/** `npm run audit -- verify` on that store: every step of the history within capacity. */
function auditVerify(env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/audit.ts', 'verify'],
      { cwd: repo, env: { ...process.env, NATS_URL: '', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`audit verify failed: ${err.message}\n${stdout}${stderr}`));
        else resolve(stdout.trim());
      });
  });
}

/** Runs fn; a failure carries what the service said and whether it still runs. */
async function explained<T>(svc: { pid: number; output(): string }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new Error(`${err instanceof Error ? `${err.message} (${String((err as { cause?: unknown }).cause)})` : String(err)}\n` +
      `service group ${svc.pid}: ${processesUsing(dataDirOf.get(svc) ?? '').length} processes on its DATA_DIR; ` +
      `its output:\n${svc.output().slice(-3000)}`, { cause: err });
  }
}
const dataDirOf = new Map<object, string>();

// Four roomy providers, four that fill up (409s); claims on one or two of them.
const capacities = [100_000, 100_000, 100_000, 100_000, 150, 150, 150, 150];

describe('kill -9 of the service under a write load', () => {
  it('the service alone, on an outside nats-server: what it left queued is applied whole or refused', async () => {
    ns = await startNatsServer();
    const dataDir = tempDir();
    const env = { NATS_URL: ns.url };
    let svc = await start(dataDir, env);
    const nc = await connect({ servers: ns.url });
    const jsm = await jetstreamManager(nc);
    const left = async () => {
      const i = await jsm.consumers.info('PLACEMENT_CMD', 'writer');
      return { undelivered: i.num_pending, unsettled: i.num_ack_pending };
    };
    const { providers, tally } = await underLoad(svc.url, capacities, 50_000, async (load) => {
      await sleep(2000);
      const before = load.tally.claims.filter((c) => c.outcome === 'acked').length;
      load.down();
      const killedAt = Date.now();
      await svc.killGroup();
      await settled(load.tally);
      const leftover = await left();
      svc = await start(dataDir, env);
      const restartedAt = Date.now();
      load.up(svc.url);
      const back = await firstAckAfter(load.tally, restartedAt, 20_000);
      console.log(`[service kill, outside nats] ${before} acknowledged before the kill; the dead service left in ` +
        `PLACEMENT_CMD ${leftover.undelivered} commands undelivered, ${leftover.unsettled} delivered to it and unsettled; ` +
        `restarted in ${restartedAt - killedAt} ms; first write acknowledged ${back} ms after`);
      await sleep(1000);
    });
    // Once PLACEMENT_CMD holds nothing, every command the dead service left there has been
    // decided for good (applied or refused): the state is final.
    for (let t0 = Date.now(); ; await sleep(100)) {
      const l = await left();
      if (l.undelivered + l.unsettled === 0) break;
      if (Date.now() - t0 > 20_000) throw new Error(`PLACEMENT_CMD still holds ${JSON.stringify(l)}`);
    }
    await nc.close();
    const f = await verify(svc.url, 'service kill, outside nats', providers, tally);
    expect(f.unknown).toBeGreaterThan(0); // the kill did catch requests in flight
    console.log(`[service kill, outside nats] ${await auditVerify(env)}`);
    await svc.killGroup();
  }, 60_000);

  it('the service alone, its embedded nats-server orphaned (killed by the next start)', async () => {
    const dataDir = tempDir();
    let svc = await start(dataDir);
    const { providers, tally } = await underLoad(svc.url, capacities, 30_000, async (load) => {
      await sleep(2000);
      load.down();
      await svc.killNodeOnly();
      await settled(load.tally);
      expect(processesUsing(dataDir).length).toBe(1); // its nats-server, still running on the store
      svc = await start(dataDir);
      await verify(svc.url, 'service kill, embedded nats orphaned', load.providers, load.tally);
      load.up(svc.url);
      await sleep(1000);
    });
    await verify(svc.url, 'service kill, embedded nats orphaned, after more load', providers, tally);
    await svc.killGroup();
    console.log(`[service kill, embedded nats orphaned] ${await auditVerify({ DATA_DIR: dataDir })}`);
  }, 60_000);

  it('the whole process group of `setsid npm start` (service and embedded nats-server), three times in a row under 64 clients', async () => {
    const dataDir = tempDir();
    const npmStart = async () => {
      const s = await setsidNpmStart(dataDir, { LOG_LEVEL: 'warn' });
      groups.push(s);
      dataDirOf.set(s, dataDir);
      return s;
    };
    let svc = await npmStart();
    const { providers, tally } = await underLoad(svc.url, capacities, 50_000, async (load) => {
      for (let round = 1; round <= 3; round++) {
        await sleep(1500 + Math.random() * 1000);
        const members = processesUsing(dataDir).length; // tsx, the service, its nats-server
        expect(members).toBeGreaterThanOrEqual(2);
        load.down();
        await svc.killGroup();
        await settled(load.tally);
        expect(processesUsing(dataDir)).toEqual([]);
        const t = Date.now();
        svc = await npmStart();
        console.log(`[group kill ${round}/3] kill -9 of group with ${members} processes on DATA_DIR, ` +
          `none left; setsid npm start again on the same DATA_DIR answered in ${Date.now() - t} ms`);
        // The clients wait while this reads everything back.
        const current = svc;
        await explained(current, () => verify(current.url, `group kill ${round}/3`, load.providers, load.tally));
        load.up(svc.url);
      }
      await sleep(1000);
    });
    const f = await verify(svc.url, 'group kill x3, final', providers, tally);
    expect(f.acknowledged).toBeGreaterThan(0);
    await svc.killGroup();
    console.log(`[group kill x3] ${await auditVerify({ DATA_DIR: dataDir })}`);
  }, 60_000);
});
