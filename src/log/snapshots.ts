/**
 * @module log/snapshots
 * Snapshots of the ledger in a JetStream object store (definition in
 * streams/). A snapshot is only a cache: missing, unreadable, of another
 * version, or ahead of the log, and start-up falls back to full replay.
 */
import { readFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import type { NatsConnection } from '@nats-io/transport-node';
import { Objm, setSha256Backend, StorageType, type ObjectStore } from '@nats-io/obj';
import type { Ledger } from '../domain/model.ts';
import { dumpLedger, restoreLedger, type LedgerDump } from '../domain/snapshot.ts';

const def = JSON.parse(readFileSync(new URL('../../streams/PLACEMENT_SNAPSHOTS.objectstore.json', import.meta.url), 'utf8')) as {
  bucket: string; description: string; storage: 'file' | 'memory'; replicas: number;
};
const OBJECT = 'ledger';
const LOAD_TIMEOUT_MS = 60_000;

/**
 * A number column as a typed array: v8.serialize copies one as raw bytes, several times faster
 * both ways than an array of numbers (1M consumers: 0.5 s instead of 1.3 s to read back).
 */
const column = (xs: readonly number[]): Int32Array | Float64Array =>
  xs.every((x) => x === (x | 0)) ? Int32Array.from(xs) : Float64Array.from(xs);

export class SnapshotStore {
  private constructor(private readonly os: ObjectStore) {}

  static async open(nc: NatsConnection): Promise<SnapshotStore> {
    // The object store checks a SHA-256 digest of every object both ways; node:crypto's is
    // many times faster than the pure-JS default (process-wide setting, same digests).
    setSha256Backend('native');
    const os = await new Objm(nc).create(def.bucket, {
      description: def.description, storage: def.storage === 'file' ? StorageType.File : StorageType.Memory,
      replicas: def.replicas,
    });
    return new SnapshotStore(os);
  }

  /** `logCreated`: the log stream's creation time, so a snapshot of an older log is never used. */
  async save(ledger: Ledger, logCreated: string): Promise<{ seq: number; bytes: number }> {
    // v8.serialize of the columnar dump, not compressed: gzip would halve it but cost more time
    // (at 1M consumers 1.2 s to compress, 0.7 s to expand) than it saves in transfer.
    const dump = dumpLedger(ledger);
    const packed: LedgerDump = {
      ...dump, consumers: { ...dump.consumers, fields: column(dump.consumers.fields), allocations: column(dump.consumers.allocations) },
    };
    const bytes = serialize({ log: logCreated, ledger: packed });
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
      const parsed = deserialize(blob) as { log?: string; ledger?: unknown } | null;
      if (!parsed || typeof parsed !== 'object') return null;
      if (parsed.log !== logCreated) return null;
      const restored = restoreLedger(fresh, parsed.ledger);
      if (!restored || restored.lastSeq > logLastSeq) return null;
      return restored;
    } catch {
      return null;
    }
  }
}
