import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.ts';
import { ensureStreams, LOG_STREAM } from '../../src/log/streams.ts';
import { logIdentity } from '../../src/log/event-log.ts';
import { SnapshotStore } from '../../src/log/snapshots.ts';
import { NatsWriter } from '../../src/writer/nats-writer.ts';
import { NatsCommandClient } from '../../src/commands/nats-client.ts';
import { createLedger } from '../../src/domain/state.ts';
import { loadStandards } from '../../src/data/standards.ts';
import { ledgerState } from '../../src/domain/snapshot.ts';

let ns: NatsServerHandle | undefined;
const open: NatsConnection[] = [];
afterAll(async () => {
  for (const nc of open) await nc.close().catch(() => {});
  await ns?.stop();
});

/** Connects, ensures the streams (as the service does at every start), starts a writer. */
async function startWriter(logs: string[], snapshotEveryEvents?: number) {
  const nc = await connect({ servers: ns!.url });
  open.push(nc);
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  const snapshots = await SnapshotStore.open(nc, (m) => logs.push(m));
  const w = new NatsWriter(nc, jetstream(nc), jsm, { createLedger: () => createLedger(loadStandards()), snapshots,
    log: (m) => logs.push(m), ...(snapshotEveryEvents ? { snapshotEveryEvents } : {}) });
  await w.start();
  return { nc, jsm, w };
}

describe('the log identity snapshots are taken for', () => {
  it('survives a kill -9 of nats-server (the stream\'s created time does not), so the snapshot is used', async () => {
    ns = await startNatsServer();
    const logs: string[] = [];
    const first = await startWriter(logs, 3);
    const client = new NatsCommandClient(first.nc);
    for (let i = 0; i < 6; i++) {
      const uuid = randomUUID();
      expect((await client.submit({ type: 'CreateResourceProvider', uuid, name: `rp-${uuid}`, parentUuid: null },
        { commandId: uuid, requestId: '' })).ok).toBe(true);
    }
    client.close();
    const before = ledgerState(first.w.ledger());
    await first.w.stop();
    expect(logs.some((l) => l.includes('writer: snapshot at seq'))).toBe(true);
    const info = await first.jsm.streams.info(LOG_STREAM);
    const identity = await logIdentity(first.jsm, info.state);
    expect(identity).toMatch(/^1@\d{4}-/);
    // A clean restart with the streams ensured again, then kill -9 and back: the stream's
    // `created` moved in such a run; the identity must not.
    await ns.restart();
    const second = await startWriter([]);
    await second.w.stop();
    await ns.kill9();
    await ns.restart();
    const third: string[] = [];
    const again = await startWriter(third);
    const after = await again.jsm.streams.info(LOG_STREAM);
    console.log(`stream created ${info.created} -> ${after.created}; identity ${identity}`);
    expect(await logIdentity(again.jsm, after.state)).toBe(identity);
    expect(third.join('\n')).toMatch(/writer: snapshot at seq \d+ \+ replayed/);
    expect(third.join('\n')).not.toMatch(/snapshot: not used/);
    expect(ledgerState(again.w.ledger())).toEqual(before);
    await again.w.stop();
  }, 60_000);
});
