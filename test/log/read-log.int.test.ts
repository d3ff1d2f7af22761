import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { startNatsClient, type NatsServerHandle } from '../support/nats-server.ts';
import { ensureStreams, LOG_SUBJECT } from '../../src/log/streams.ts';
import { readLog } from '../../src/log/replay.ts';

let server: NatsServerHandle;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;

beforeAll(async () => {
  ({ server, nc, js, jsm } = await startNatsClient());
  await ensureStreams(jsm);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe('reading the log', () => {
  it('does not stall on a message larger than what is left of a pull (it waited ~45 s for the pull to expire)', async () => {
    // Medium messages, then a large one (under max_payload), again and again: some refill pull
    // is then smaller than the next message.
    const sizes: number[] = [];
    for (let round = 0; round < 2; round++) sizes.push(...Array(80).fill(450_000), 5_700_000);
    for (const [i, n] of sizes.entries()) await js.publish(LOG_SUBJECT, new Uint8Array(n).fill(48 + (i % 10)));
    const started = Date.now();
    let longest = 0;
    let last = started;
    const seen: number[] = [];
    for await (const m of readLog(js, jsm)) {
      longest = Math.max(longest, Date.now() - last);
      last = Date.now();
      seen.push(m.data.length);
    }
    console.log(`read ${seen.length} messages (${sizes.filter((n) => n > 1e6).length} of 5.7 MB) in ${Date.now() - started} ms; longest wait ${longest} ms`);
    expect(seen).toEqual(sizes);
    expect(longest).toBeLessThan(4000);
  }, 120_000);
});
