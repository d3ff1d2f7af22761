/**
 * `setsid npm start` as an operator runs it: npm, its shell, tsx, the
 * service and its embedded nats-server, all in one new session and process
 * group, on a free loopback port and a given DATA_DIR.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, processesUsing } from '../support/service-process.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export interface NpmStart {
  readonly url: string;
  /** pid of setsid/npm: the session and process group id. */
  readonly pid: number;
  output(): string;
  /** kill -9 of the whole process group, then waits until nothing of it runs on DATA_DIR. */
  killGroup(): Promise<void>;
}

export async function setsidNpmStart(dataDir: string, env: Record<string, string> = {}): Promise<NpmStart> {
  const port = await freePort();
  // Not detached: setsid itself makes the new session (it is then not a group leader, so it
  // does not fork: its pid is the session's and the group's id).
  const child = spawn('setsid', ['npm', 'start'], {
    cwd: repo, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, NATS_URL: '', ...env },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const url = `http://127.0.0.1:${port}`;
  const killGroup = async () => {
    // Only while setsid/npm is not reaped: then the group id is still this group's.
    if (running()) try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    for (let i = 0; i < 100 && processesUsing(dataDir).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  };
  for (let i = 0; ; i++) {
    if (!running()) throw new Error(`setsid npm start exited early: ${out}`);
    try {
      if ((await fetch(`${url}/`)).ok) break;
    } catch { /* not up yet */ }
    if (i > 300) {
      await killGroup();
      throw new Error(`setsid npm start did not answer in 30 s: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: child.pid!, output: () => out, killGroup };
}
