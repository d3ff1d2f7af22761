/**
 * @module service
 * Wires the shells together: NATS (embedded or given), streams, the single
 * writer (replay, epoch), the command client and the HTTP front.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Config } from './config.ts';
import { startEmbeddedNats, type EmbeddedNats } from './nats/embedded.ts';
import { ensureStreams } from './log/streams.ts';
import { NatsWriter } from './writer/nats-writer.ts';
import { NatsCommandClient } from './commands/nats-client.ts';
import { createLedger } from './domain/state.ts';
import { loadStandards } from './data/standards.ts';
import { SnapshotStore } from './log/snapshots.ts';

export interface Service {
  readonly natsUrl: string;
  readonly writer: NatsWriter;
  readonly client: NatsCommandClient;
  readonly nc: NatsConnection;
  /** Resolves (with why) if the embedded nats-server dies under us. */
  readonly natsLost: Promise<string> | undefined;
  stop(): Promise<void>;
}

export async function startService(config: Config, log: (m: string) => void): Promise<Service> {
  let embedded: EmbeddedNats | undefined;
  const natsUrl = config.natsUrl ?? (embedded = await startEmbeddedNats(config.dataDir, log)).url;
  const nc = await connect({ servers: natsUrl, maxReconnectAttempts: -1, reconnectTimeWait: 250, name: 'placement-ts' })
    .catch((err: unknown) => {
      throw new Error(`cannot connect to ${config.natsUrl ? `NATS_URL=${natsUrl}` : `the embedded nats-server at ${natsUrl}`}: ${String(err)}`);
    });
  const version = nc.info?.version ?? '0.0.0';
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < 2 || (major === 2 && minor < 10)) throw new Error(`nats-server >= 2.10 needed, found ${version}`);
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await ensureStreams(jsm);
  const standards = loadStandards();
  const snapshots = await SnapshotStore.open(nc, log);
  const writer = new NatsWriter(nc, js, jsm, { createLedger: () => createLedger(standards), log, snapshots });
  await writer.start();
  const client = new NatsCommandClient(nc);
  return {
    natsUrl, writer, client, nc, natsLost: embedded?.lost,
    async stop() {
      client.close();
      // Bounded: with the server gone, a drain would wait for a reconnect that never comes.
      await withTimeout(writer.stop(), 3000);
      await withTimeout(nc.drain().catch(() => {}), 2000);
      await nc.close().catch(() => {});
      await embedded?.stop();
    },
  };
}

const withTimeout = (p: Promise<unknown>, ms: number): Promise<unknown> =>
  Promise.race([p, new Promise((r) => setTimeout(r, ms).unref())]);
