/**
 * @module log/snapshots
 * Snapshots of the ledger in a JetStream object store (definition in
 * streams/). A snapshot is only a cache: missing, unreadable, of another
 * version, or ahead of the log, and start-up falls back to full replay.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { NatsConnection } from '@nats-io/transport-node';
import { Objm, StorageType, type ObjectStore } from '@nats-io/obj';
import type { Ledger } from '../domain/model.ts';
import { dumpLedger, restoreLedger } from '../domain/snapshot.ts';

const def = JSON.parse(readFileSync(new URL('../../streams/PLACEMENT_SNAPSHOTS.objectstore.json', import.meta.url), 'utf8')) as {
  bucket: string; description: string; storage: 'file' | 'memory'; replicas: number;
};
const OBJECT = 'ledger';
const LOAD_TIMEOUT_MS = 60_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class SnapshotStore {
  private constructor(private readonly os: ObjectStore) {}

  static async open(nc: NatsConnection): Promise<SnapshotStore> {
    const os = await new Objm(nc).create(def.bucket, {
      description: def.description, storage: def.storage === 'file' ? StorageType.File : StorageType.Memory,
      replicas: def.replicas,
    });
    return new SnapshotStore(os);
  }

  /** `logCreated`: the log stream's creation time, so a snapshot of an older log is never used. */
  async save(ledger: Ledger, logCreated: string): Promise<{ seq: number; bytes: number }> {
    // gzip at speed 1: several times smaller, so it stores and loads several times faster.
    const bytes = gzipSync(encoder.encode(JSON.stringify({ log: logCreated, ledger: dumpLedger(ledger) })), { level: 1 });
    await this.os.putBlob({ name: OBJECT }, bytes);
    return { seq: ledger.lastSeq, bytes: bytes.length };
  }

  /** The newest snapshot restored into `fresh`, or null (then replay everything). */
  async load(fresh: Ledger, logCreated: string, logLastSeq: number): Promise<Ledger | null> {
    try {
      // Bounded: a snapshot being replaced while we read it must not hold start-up.
      const blob = await Promise.race([this.os.getBlob(OBJECT),
        new Promise<null>((r) => setTimeout(() => r(null), LOAD_TIMEOUT_MS).unref())]);
      if (!blob) return null;
      const parsed = JSON.parse(decoder.decode(gunzipSync(blob))) as { log?: string; ledger?: unknown };
      if (parsed.log !== logCreated) return null;
      const restored = restoreLedger(fresh, parsed.ledger);
      if (!restored || restored.lastSeq > logLastSeq) return null;
      return restored;
    } catch {
      return null;
    }
  }
}
