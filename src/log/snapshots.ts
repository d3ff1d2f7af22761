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
import { dumpLedgerInSteps, restoreLedger, type LedgerDump } from '../domain/snapshot.ts';

const def = JSON.parse(readFileSync(new URL('../../streams/PLACEMENT_SNAPSHOTS.objectstore.json', import.meta.url), 'utf8')) as {
  bucket: string; description: string; storage: 'file' | 'memory'; replicas: number;
};
const OBJECT = 'ledger';
const LOAD_TIMEOUT_MS = 60_000;
/** ~25 ms of encoding at a time. */
const CONSUMERS_PER_STEP = 25_000;
const NUMBERS_PER_STEP = 1_000_000;
const STRINGS_PER_PART = 100_000;

/**
 * A number column as a typed array: v8.serialize copies one as raw bytes, several times faster
 * both ways than an array of numbers (1M consumers: 0.5 s instead of 1.3 s to read back).
 */
async function column(xs: readonly number[]): Promise<Int32Array | Float64Array> {
  const ints = new Int32Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    if (i % NUMBERS_PER_STEP === 0 && i > 0) await nextTurn();
    const x = xs[i]!;
    if (x !== (x | 0)) return Float64Array.from(xs);
    ints[i] = x;
  }
  return ints;
}
interface Parts { readonly uuid: Uint8Array[]; readonly ids: Uint8Array[] }

async function inParts(xs: readonly string[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < xs.length; i += STRINGS_PER_PART) {
    out.push(serialize(xs.slice(i, i + STRINGS_PER_PART)));
    await nextTurn();
  }
  return out;
}

/** The dump with the columns stored in parts read back. */
function joined(dump: LedgerDump, parts: Parts): LedgerDump {
  const read = (ps: Uint8Array[]) => ps.flatMap((p) => deserialize(p) as string[]);
  return { ...dump, consumers: { ...dump.consumers, uuid: read(parts.uuid) }, applied: { ...dump.applied, ids: read(parts.ids) } };
}
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

export class SnapshotStore {
  private constructor(private readonly os: ObjectStore, private readonly log: (m: string) => void) {}

  /** `log`: told why a stored snapshot is not used. */
  static async open(nc: NatsConnection, log: (m: string) => void = () => {}): Promise<SnapshotStore> {
    // The object store checks a SHA-256 digest of every object both ways; node:crypto's is
    // many times faster than the pure-JS default (process-wide setting, same digests).
    setSha256Backend('native');
    const os = await new Objm(nc).create(def.bucket, {
      description: def.description, storage: def.storage === 'file' ? StorageType.File : StorageType.Memory,
      replicas: def.replicas,
    });
    return new SnapshotStore(os, log);
  }

  /** `logCreated`: the log's identity (event-log.ts logIdentity), so a snapshot of another log is never used. */
  async save(ledger: Ledger, logCreated: string): Promise<{ seq: number; bytes: number }> {
    // The dump is of this moment (taken before the first step returns); the consumers are encoded
    // in steps, the writer going on between them (at 1M consumers ~1 s of work in one piece).
    const steps = dumpLedgerInSteps(ledger, CONSUMERS_PER_STEP);
    let step = steps.next();
    while (!step.done) {
      await nextTurn();
      step = steps.next();
    }
    const dump = step.value;
    // v8.serialize of the columnar dump, not compressed: gzip would halve it but cost more time
    // (at 1M consumers 1.2 s to compress, 0.7 s to expand) than it saves in transfer.
    const packed: LedgerDump = {
      ...dump,
      consumers: { ...dump.consumers, fields: await column(dump.consumers.fields), allocations: await column(dump.consumers.allocations) },
    };
    // Strings, one per consumer or command, are most of serialize's work: those two columns go
    // in parts, a turn each.
    const parts = { uuid: await inParts(dump.consumers.uuid), ids: await inParts(dump.applied.ids) };
    const rest = { ...packed, consumers: { ...packed.consumers, uuid: [] }, applied: { ...packed.applied, ids: [] } };
    const bytes = serialize({ log: logCreated, ledger: rest, parts });
    await this.os.putBlob({ name: OBJECT }, bytes);
    return { seq: dump.lastSeq, bytes: bytes.length };
  }

  /** The newest snapshot restored into `fresh`, or null (then replay everything). */
  async load(fresh: Ledger, logCreated: string, logLastSeq: number): Promise<Ledger | null> {
    const skip = (why: string) => {
      this.log(`snapshot: not used (${why}); replaying the whole log`);
      return null;
    };
    try {
      // Bounded: a snapshot being replaced while we read it must not hold start-up.
      const blob = await Promise.race([this.os.getBlob(OBJECT),
        new Promise<null>((r) => setTimeout(() => r(null), LOAD_TIMEOUT_MS).unref())]);
      if (!blob) return null; // none yet
      const parsed = deserialize(blob) as { log?: string; ledger?: LedgerDump; parts?: Parts } | null;
      if (!parsed || typeof parsed !== 'object' || !parsed.ledger) return skip('unreadable');
      if (parsed.log !== logCreated) return skip(`taken of another log: ${parsed.log}, this one is ${logCreated}`);
      const ledger = parsed.parts ? joined(parsed.ledger, parsed.parts) : parsed.ledger;
      const restored = restoreLedger(fresh, ledger);
      if (!restored) return skip('of another version, or inconsistent');
      if (restored.lastSeq > logLastSeq) return skip(`ahead of the log: seq ${restored.lastSeq} > ${logLastSeq}`);
      return restored;
    } catch (err) {
      return skip(String(err));
    }
  }
}
