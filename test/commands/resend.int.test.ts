/**
 * A command submitted while nats-server is down: the client buffers it and
 * flushes it at the reconnect, before the writer has declared the in-memory
 * PLACEMENT_CMD stream again, so that first copy is lost. The front sends
 * what still waits again after a reconnect; the writer applies it once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.ts';
import { ensureStreams } from '../../src/log/streams.ts';
import { NatsWriter } from '../../src/writer/nats-writer.ts';
import { NatsCommandClient } from '../../src/commands/nats-client.ts';
import { createLedger } from '../../src/domain/state.ts';
import { loadStandards } from '../../src/data/standards.ts';

let server: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe('commands across a nats-server restart', () => {
  it('a command submitted while the server is down is applied once it is back', async () => {
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm);
    const writer = new NatsWriter(nc, jetstream(nc), jsm, { createLedger: () => createLedger(loadStandards()) });
    await writer.start();
    const client = new NatsCommandClient(nc, { replyTimeoutMs: 15_000 });
    const create = (uuid: string) => client.submit({ type: 'CreateResourceProvider', uuid, name: `rp-${uuid}`, parentUuid: null },
      { commandId: randomUUID(), requestId: 'req-resend' });
    expect((await create(randomUUID())).ok).toBe(true);

    await server.kill9();
    const uuid = randomUUID();
    const pending = create(uuid);
    await new Promise((r) => setTimeout(r, 300));
    await server.restart();
    const started = Date.now();
    const result = await pending;
    console.log(`[resend] answered ${result.ok ? 'ok' : JSON.stringify(result)} ${Date.now() - started} ms after the restart`);
    expect(result.ok).toBe(true);
    expect([...writer.ledger().providers.values()].filter((p) => p.name === `rp-${uuid}`)).toHaveLength(1);
    await writer.stop();
    client.close();
  }, 30_000);
});
