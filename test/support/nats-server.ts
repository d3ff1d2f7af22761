// A real nats-server (>= 2.10, JetStream on, fsync always) for integration tests.
//
//   const ns = await startNatsServer();
//   const nc = await connect({ servers: ns.url });   // or startNatsClient(): server, nc, js, jsm
//   ...
//   await ns.kill9(); await ns.restart();   // same store, same port when it is still free
//   await ns.stop();                        // kills that pid only, removes the temp folder
//
// One server per test file; use per-test stream names so tests can share it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';

export interface NatsServerOptions {
  /** How long to wait for the server to report its port, default 10 s. */
  startTimeoutMs?: number;
  /** Extra nats-server config text appended to the generated config. */
  extraConfig?: string;
}

export interface NatsServerHandle {
  /** nats://127.0.0.1:PORT of the running server (may change after restart() if the port was taken). */
  readonly url: string;
  readonly port: number;
  /** pid of the running server process (changes on restart()). */
  readonly pid: number;
  /** JetStream store folder, kept across restart() and kill9(). */
  readonly storeDir: string;
  /** Stops the server if it runs (SIGTERM), then starts it again on the same store. */
  restart(): Promise<void>;
  /** SIGKILL, then waits for the process to be gone. The server stays down until restart(). */
  kill9(): Promise<void>;
  /** Stops the server (SIGTERM, SIGKILL after 5 s) and removes its temp folder. */
  stop(): Promise<void>;
}

const ensureScript = fileURLToPath(new URL('../../scripts/ensure-nats-server.sh', import.meta.url));
let binPromise: Promise<string> | undefined;

/** Absolute path of a nats-server >= 2.10 (from scripts/ensure-nats-server.sh, cached per process). */
export function natsServerBin(): Promise<string> {
  binPromise ??= new Promise<string>((resolve, reject) => {
    execFile('bash', [ensureScript], { encoding: 'utf8' }, (err, stdout, stderr) => {
      const bin = stdout.trim();
      if (err || !bin) reject(new Error(`${ensureScript} failed: ${err?.message ?? 'no path printed'}\n${stderr}`));
      else resolve(bin);
    });
  });
  binPromise.catch(() => (binPromise = undefined)); // a later call may try again
  return binPromise;
}

// Servers still running when the test process exits are killed, so none outlives vitest.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const STDERR_KEEP_BYTES = 16 * 1024;
const STOP_GRACE_MS = 5_000;
const POLL_MS = 10;

function configText(listen: string, portsDir: string, storeDir: string, extra: string): string {
  // JSON strings are valid nats-server config strings, whatever the path holds.
  return [
    `listen: ${JSON.stringify(listen)}`,
    `ports_file_dir: ${JSON.stringify(portsDir)}`,
    'max_payload: 8MB',
    'jetstream {',
    `  store_dir: ${JSON.stringify(storeDir)}`,
    '  sync_interval: always',
    '}',
    extra,
    '',
  ].join('\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child: ChildProcess): Promise<void> {
  if (exited(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

interface Running {
  child: ChildProcess;
  port: number;
}

/** Spawns nats-server with `conf` and resolves once its ports file names a port that accepts connections. */
async function launch(bin: string, conf: string, portsDir: string, timeoutMs: number): Promise<Running> {
  const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP_BYTES);
  });
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));

  const fail = async (why: string): Promise<never> => {
    if (!exited(child) && child.pid !== undefined) {
      child.kill('SIGKILL');
      await waitExit(child);
    }
    throw new Error(`nats-server ${why}\nconfig: ${conf}\nstderr:\n${stderr}`);
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError) return fail(`could not be spawned: ${spawnError.message}`);
    if (exited(child)) {
      return fail(`exited early (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    if (child.pid !== undefined) {
      const port = await readPort(portsDir, child.pid);
      if (port !== undefined && (await canConnect(port))) return { child, port };
    }
    if (Date.now() > deadline) return fail(`did not report a port within ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

/** The client port from <portsDir>/<exe>_<pid>.ports, or undefined while it is not (fully) written. */
async function readPort(portsDir: string, pid: number): Promise<number | undefined> {
  const name = (await readdir(portsDir)).find((f) => f.endsWith(`_${pid}.ports`));
  if (!name) return undefined;
  try {
    const ports = JSON.parse(await readFile(join(portsDir, name), 'utf8')) as { nats?: string[] };
    const port = Number(new URL(ports.nats?.[0] ?? '').port);
    return port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

export async function startNatsServer(opts: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const bin = await natsServerBin();
  const timeoutMs = opts.startTimeoutMs ?? 10_000;
  const extra = opts.extraConfig ?? '';
  const dir = await mkdtemp(join(tmpdir(), 'placement-nats-'));
  const storeDir = join(dir, 'store');
  const portsDir = join(dir, 'ports');
  const conf = join(dir, 'nats.conf');
  await mkdir(portsDir);

  const start = async (listen: string): Promise<Running> => {
    await rm(portsDir, { recursive: true, force: true });
    await mkdir(portsDir);
    await writeFile(conf, configText(listen, portsDir, storeDir, extra));
    return launch(bin, conf, portsDir, timeoutMs);
  };

  let current: Running;
  try {
    current = await start('127.0.0.1:-1');
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  let stopped = false;

  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    const { child } = current;
    if (exited(child)) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await waitExit(child);
    clearTimeout(timer);
  };

  return {
    get url() {
      return `nats://127.0.0.1:${current.port}`;
    },
    get port() {
      return current.port;
    },
    get pid() {
      return current.child.pid!;
    },
    storeDir,
    async restart() {
      if (stopped) throw new Error('nats-server handle already stopped');
      await terminate('SIGTERM');
      try {
        current = await start(`127.0.0.1:${current.port}`);
      } catch {
        // The old port was taken meanwhile: take any free one.
        current = await start('127.0.0.1:-1');
      }
    },
    async kill9() {
      await terminate('SIGKILL');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await terminate('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface NatsClient {
  readonly server: NatsServerHandle;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
}

/** A private nats-server and one JetStream client of it: what most integration test files start with. */
export async function startNatsClient(): Promise<NatsClient> {
  const server = await startNatsServer();
  const nc = await connect({ servers: server.url });
  return { server, nc, js: jetstream(nc), jsm: await jetstreamManager(nc) };
}
