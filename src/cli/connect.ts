/**
 * @module cli/connect
 * How a tool reaches the log without touching the running service: NATS_URL
 * if set; else the embedded server of DATA_DIR if it runs; else start that
 * server for the duration of the tool (and stop it after).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startEmbeddedNats } from '../nats/embedded.ts';

export interface LogConnection {
  readonly nc: NatsConnection;
  close(): Promise<void>;
}

export async function connectToLog(env: NodeJS.ProcessEnv = process.env): Promise<LogConnection> {
  let url = env.NATS_URL || undefined;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    const dir = resolve(env.DATA_DIR ?? '.data');
    if (!existsSync(dir)) throw new Error(`no data folder ${dir}: set DATA_DIR (or NATS_URL) to the service's`);
    url = runningEmbedded(dir);
    if (!url) {
      const embedded = await startEmbeddedNats(dir, () => {});
      url = embedded.url;
      stopEmbedded = () => embedded.stop();
    }
  }
  const nc = await connect({ servers: url, name: 'placement-audit' });
  return {
    nc,
    async close() {
      await nc.close();
      await stopEmbedded?.();
    },
  };
}

function runningEmbedded(dir: string): string | undefined {
  const pidFile = join(dir, 'nats-server.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    process.kill(pid, 0);
    if (isZombie(pid)) return undefined;
    const ports = JSON.parse(readFileSync(join(dir, 'nats-run', `nats-server_${pid}.ports`), 'utf8')) as { nats: string[] };
    return ports.nats[0];
  } catch {
    return undefined;
  }
}

/** A killed server not yet reaped still answers kill 0, but serves nothing. */
function isZombie(pid: number): boolean {
  try {
    return /State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
