import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { natsServerBin, startNatsServer, type NatsServerHandle } from './nats-server.ts';

describe('test/support/nats-server', () => {
  let ns: NatsServerHandle;

  beforeAll(async () => {
    ns = await startNatsServer();
  }, 120_000); // a cold machine downloads nats-server first

  afterAll(async () => {
    await ns?.stop();
  });

  it('resolves a nats-server binary of at least 2.10', async () => {
    const bin = await natsServerBin();
    expect(bin).toMatch(/^\//);
    const nc = await connect({ servers: ns.url });
    try {
      expect(nc.info?.version).toMatch(/^2\.(1\d|[2-9]\d)\./);
      expect(nc.info?.max_payload).toBe(8 * 1024 * 1024);
    } finally {
      await nc.close();
    }
  });

  it('keeps a JetStream file stream across kill -9 and restart', async () => {
    const nc = await connect({ servers: ns.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'SUPPORT_KILL9', subjects: ['support.kill9.>'], storage: StorageType.File });
    const ack = await jetstream(nc).publish('support.kill9.a', 'survives');
    expect(ack.seq).toBe(1);
    await nc.close();

    const { pid, port } = ns;
    await ns.kill9();
    expect(() => process.kill(pid, 0)).toThrow(); // that process is gone
    await ns.restart();
    expect(ns.pid).not.toBe(pid);
    expect(ns.port).toBe(port);

    const nc2 = await connect({ servers: ns.url });
    try {
      const jsm2 = await jetstreamManager(nc2);
      const info = await jsm2.streams.info('SUPPORT_KILL9');
      expect(info.state.messages).toBe(1);
      const msg = await jsm2.streams.getMessage('SUPPORT_KILL9', { seq: ack.seq });
      expect(msg?.string()).toBe('survives');
    } finally {
      await nc2.close();
    }
  }, 30_000);

  it('removes its folder and kills its process on stop()', async () => {
    const other = await startNatsServer();
    const { pid, storeDir } = other;
    await other.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(storeDir)).toBe(false);
  });
});
