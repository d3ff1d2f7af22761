/**
 * Runs the real service (`tsx src/main.ts`) as its own process group, as
 * `setsid npm start` would, on a free loopback port and a given DATA_DIR.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  output(): string;
  /** SIGKILL to the whole process group (service and its nats-server). */
  killGroup(): Promise<void>;
  /** SIGKILL to the node process alone, leaving its nats-server orphaned. */
  killNodeOnly(): Promise<void>;
  stop(): Promise<void>;
}

export async function startService(dataDir: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: repo, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, NATS_URL: '', ...env },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`service exited early: ${out}`);
    try {
      if ((await fetch(`${url}/`)).ok) break;
    } catch { /* not up yet */ }
    if (i > 300) throw new Error(`service did not answer in 30 s: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const gone = async () => { await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]); };
  // Once the service has exited (and been reaped) its pid, and so its group id, may belong to
  // another process (pid_max can be 32768): signal only a service that still runs.
  const running = () => child.exitCode === null && child.signalCode === null;
  const signal = (pid: number, sig: NodeJS.Signals) => { if (running()) try { process.kill(pid, sig); } catch { /* gone */ } };
  return {
    url, pid: child.pid!, child,
    output: () => out,
    async killGroup() { signal(-child.pid!, 'SIGKILL'); await gone(); },
    async killNodeOnly() { signal(child.pid!, 'SIGKILL'); await gone(); },
    async stop() { signal(child.pid!, 'SIGTERM'); await gone(); },
  };
}

export function processesUsing(dataDir: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      const env = readFileSync(`/proc/${p}/environ`, 'utf8');
      if ((cmd.includes('nats-server') || cmd.includes('src/main.ts')) && env.includes(dataDir)) pids.push(Number(p));
    } catch { /* gone or not ours */ }
  }
  return pids;
}
