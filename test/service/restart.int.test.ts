import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { processesUsing, startService, type ServiceProcess } from '../support/service-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'placement-svc-'));
const running: ServiceProcess[] = [];
afterAll(async () => {
  for (const s of running) await s.killGroup();
  rmSync(dataDir, { recursive: true, force: true });
});

const headers = { 'x-auth-token': 'admin', 'openstack-api-version': 'placement 1.39', 'content-type': 'application/json' };
const req = (s: ServiceProcess, method: string, path: string, body?: unknown) =>
  fetch(s.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });

async function start(): Promise<ServiceProcess> {
  const s = await startService(dataDir);
  running.push(s);
  return s;
}

describe('the service process', () => {
  it('comes back with every acknowledged write after kill -9 of its process group, leaving nothing running', async () => {
    let s = await start();
    const uuids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const uuid = randomUUID();
      const r = await req(s, 'POST', '/resource_providers', { name: `cn-${i}`, uuid });
      expect(r.status).toBe(200);
      uuids.push(uuid);
    }
    await s.killGroup();
    await new Promise((r) => setTimeout(r, 200));
    expect(processesUsing(dataDir)).toEqual([]);
    s = await start();
    const list = await (await req(s, 'GET', '/resource_providers')).json() as { resource_providers: Array<{ uuid: string }> };
    expect(list.resource_providers.map((p) => p.uuid).sort()).toEqual([...uuids].sort());
    await s.killGroup();
  }, 60_000);

  it('is not blocked by a stale embedded nats-server of a crashed run', async () => {
    let s = await start();
    const uuid = randomUUID();
    expect((await req(s, 'POST', '/resource_providers', { name: 'stale-check', uuid })).status).toBe(200);
    await s.killNodeOnly(); // its nats-server is left running on the store
    expect(processesUsing(dataDir).length).toBeGreaterThan(0);
    s = await start();
    expect((await req(s, 'GET', `/resource_providers/${uuid}`)).status).toBe(200);
    // Only the running server's ports file is left (the killed ones' were removed).
    expect(readdirSync(join(dataDir, 'nats-run')).filter((f) => f.endsWith('.ports'))).toHaveLength(1);
    await s.stop();
    await new Promise((r) => setTimeout(r, 500));
    expect(processesUsing(dataDir)).toEqual([]);
  }, 60_000);

  it('refuses a second service on a live DATA_DIR, and exits when its embedded nats-server dies', async () => {
    const s = await start();
    const refused = await startService(dataDir).then(() => null, (err: Error) => err.message);
    expect(refused).toMatch(/cannot start: DATA_DIR .* is in use by the running service pid \d+\n/);
    expect(refused).not.toMatch(/\n\s+at /); // the message, not a stack
    expect((await fetch(`${s.url}/`)).status).toBe(200);
    const natsPid = Number(readFileSync(join(dataDir, 'nats-server.pid'), 'utf8'));
    process.kill(natsPid, 'SIGKILL');
    const exited = await Promise.race([new Promise<boolean>((r) => s.child.once('exit', () => r(true))),
      new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))]);
    expect(exited).toBe(true);
    expect(s.output()).toMatch(/nats-server pid \d+ exited/);
  }, 60_000);

  it('with its port taken, exits before it starts nats-server or touches the log; a clean stop says so', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    const empty = mkdtempSync(join(tmpdir(), 'placement-svc-port-'));
    try {
      const failed = await startService(empty, { PORT: String(taken) }).then(() => null, (err: Error) => err.message);
      expect(failed).toMatch(/HTTP server: listen EADDRINUSE/);
      // It says so and exits, nothing else (it once crashed there with a ReferenceError).
      expect(failed).not.toMatch(/Error:|\n\s+at /);
      expect(readdirSync(empty)).toEqual([]);
    } finally {
      blocker.close();
      rmSync(empty, { recursive: true, force: true });
    }
    const s = await start();
    await s.stop();
    expect(s.output()).toMatch(/placement-ts: stopped\n/);
  }, 60_000);
});
