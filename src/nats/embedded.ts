/**
 * @module nats/embedded
 * The service's own nats-server child, started from nats.conf on a data
 * folder when NATS_URL is not set. A server left over from a crashed run
 * (its pid file says so) is killed first: two servers on one store would
 * both run and corrupt it.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(new URL('../..', import.meta.url).pathname);

export interface EmbeddedNats {
  readonly url: string;
  readonly pid: number;
  /** Resolves if the server exits without stop() being called. */
  readonly lost: Promise<string>;
  stop(): Promise<void>;
}

export function natsServerBin(): string {
  return execFileSync('bash', [join(repo, 'scripts/ensure-nats-server.sh')], { encoding: 'utf8' }).trim();
}

export async function startEmbeddedNats(dataDir: string, log: (m: string) => void): Promise<EmbeddedNats> {
  const dir = resolve(dataDir);
  const runDir = join(dir, 'nats-run');
  const store = join(dir, 'nats-store');
  mkdirSync(runDir, { recursive: true });
  mkdirSync(store, { recursive: true });
  const pidFile = join(dir, 'nats-server.pid');
  claimDataDir(dir);
  await killStale(pidFile, log);
  // Ports files of servers killed with -9 (nats-server removes its own on a clean exit).
  for (const f of readdirSync(runDir)) if (/^nats-server_\d+\.ports$/.test(f)) rmSync(join(runDir, f), { force: true });
  const child = spawn(natsServerBin(), ['-c', join(repo, 'nats.conf')], {
    env: { ...process.env, PLACEMENT_NATS_DIR: JSON.stringify(runDir), PLACEMENT_NATS_STORE: JSON.stringify(store) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const pid = child.pid!;
  writeFileSync(pidFile, String(pid));
  const portsFile = join(runDir, `nats-server_${pid}.ports`);
  const url = await waitForPorts(child, portsFile, () => stderr);
  log(`nats: embedded nats-server pid ${pid} at ${url}`);
  let stopping = false;
  const lost = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      if (!stopping) resolve(`embedded nats-server pid ${pid} exited (${signal ?? code}): ${stderr.slice(-500)}`);
    });
  });
  return {
    url,
    pid,
    lost,
    async stop() {
      stopping = true;
      rmSync(join(dir, 'service.pid'), { force: true });
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
      rmSync(pidFile, { force: true });
    },
  };
}

async function waitForPorts(child: ChildProcess, file: string, stderr: () => string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`nats-server exited early (${child.exitCode}): ${stderr()}`);
    if (existsSync(file)) {
      try {
        const ports = JSON.parse(readFileSync(file, 'utf8')) as { nats: string[] };
        if (ports.nats?.[0]) return ports.nats[0];
      } catch { /* being written */ }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`nats-server did not report its port within 10 s: ${stderr()}`);
}

/**
 * One service per data folder: refuse to start while the service recorded
 * in service.pid still runs (its nats-server must not be taken for stale).
 */
function claimDataDir(dir: string): void {
  const file = join(dir, 'service.pid');
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid > 0 && pid !== process.pid && isAlive(pid) && isNode(pid)) {
      throw new Error(`DATA_DIR ${dir} is in use by the running service pid ${pid}`);
    }
  }
  writeFileSync(file, String(process.pid));
}

function isNode(pid: number): boolean {
  try {
    return /node|tsx/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

async function killStale(pidFile: string, log: (m: string) => void): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!(pid > 0) || !isNatsServer(pid)) return;
  log(`nats: killing stale nats-server pid ${pid} left by an earlier run`);
  try { process.kill(pid, 'SIGKILL'); } catch { return; }
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
}

function isNatsServer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('nats-server');
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill 0; its /proc status says Z.
    return !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
