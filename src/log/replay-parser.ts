/**
 * @module log/replay-parser
 * The parsing half of a chunked replay: stored batches in, chunks for
 * ChunkFold out, and at the end the newest command outcomes. Runs in the
 * start-up worker (replay-worker.ts) and, on one thread, in the simulation.
 */
import { decodeBatch, EVENT_ALLOCATIONS, EVENT_OBJECT, parseStored, type StoredColumns } from './codec.ts';
import type { LogBatch } from '../domain/events.ts';
import { ChunkEncoder, writeAllocations, type ReplayChunk } from '../domain/replay-chunk.ts';
import { CommandRing, type RememberedCommands } from '../domain/evolve.ts';
import { REMEMBERED_EVENTS_MAX } from '../domain/model.ts';
import { skippedAlso, type Skipped } from './replay.ts';

export class ReplayParser {
  // Without events: holding every record's events until it leaves the ring would
  // move ~10 objects per command into the old generation only to die there.
  private readonly ring: CommandRing;
  private readonly encoder: ChunkEncoder;
  /** The newest stored batches, enough to hold the newest REMEMBERED_EVENTS_MAX records (parsed again at the end). */
  private readonly recent: Array<{ data: Uint8Array; records: number }> = [];
  private recentRecords = 0;
  /** The stored messages so far that were not batches (skipped, as replayLog skips them). */
  skipped: Skipped | undefined;

  /** tableMax: see ChunkEncoder (tests make it small). */
  constructor(ringMax: number, tableMax?: number) {
    this.ring = new CommandRing(ringMax, false);
    this.encoder = new ChunkEncoder(tableMax);
  }

  /** The chunk of one stored batch (empty if it is not a batch we wrote); keeps `data`. */
  batch(data: Uint8Array, seq: number): ReplayChunk {
    const stored = parseStored(data);
    if (stored) {
      const records = stored.v === 2 ? this.columns(stored, seq) : this.objects(stored, seq);
      this.recent.push({ data, records });
      this.recentRecords += records;
      while (this.recentRecords - this.recent[0]!.records >= REMEMBERED_EVENTS_MAX) {
        this.recentRecords -= this.recent.shift()!.records;
      }
    } else this.skipped = skippedAlso(this.skipped, seq);
    return this.encoder.take();
  }

  /** A v2 batch, straight from its ops; returns its record count. */
  private columns(c: StoredColumns, seq: number): number {
    const enc = this.encoder;
    enc.batch(seq, c.epoch, c.strings);
    const { ops, strings } = c;
    let records = 0;
    let nextEvent = 0;
    for (let i = 0; i < ops.length; records++) {
      const commandId = strings[ops[i]!];
      const at = ops[i + 2]!;
      const refusedAt = ops[i + 3]!;
      let events = ops[i + 4]!;
      i += 5;
      if (typeof commandId !== 'string' || typeof events !== 'number') throw new Error('replay: bad record');
      const refused = refusedAt >= 0 ? c.refused[refusedAt] : undefined;
      if (refusedAt >= 0 && !refused) throw new Error('replay: missing refusal');
      this.ring.addId(commandId, seq, refused);
      if (events > 0) enc.record(at);
      for (; events > 0; events--) {
        const kind = ops[i++];
        if (kind === EVENT_OBJECT) enc.event(c.events[nextEvent++]!);
        else if (kind === EVENT_ALLOCATIONS) i = enc.allocations(ops, i);
        else throw new Error(`replay: unknown event kind ${kind}`);
      }
    }
    return records;
  }

  /** A v1 batch of record objects; returns its record count. */
  private objects(batch: LogBatch, seq: number): number {
    const enc = this.encoder;
    enc.batch(seq, batch.epoch);
    const flat: number[] = [];
    for (const r of batch.records) {
      this.ring.addId(r.commandId, seq, r.refused);
      if (r.events.length === 0) continue;
      enc.record(enc.ref(r.at));
      for (const e of r.events) {
        if (e.type !== 'AllocationsReplaced') enc.event(e);
        else {
          flat.length = 0;
          writeAllocations(e, enc.ref, flat);
          enc.allocations(flat, 0);
        }
      }
    }
    return batch.records.length;
  }

  /** The newest command outcomes, oldest first, the newest REMEMBERED_EVENTS_MAX with their events. */
  finish(): RememberedCommands {
    const out = this.ring.drain();
    const records = this.recent.flatMap((b) => decodeBatch(b.data)!.records);
    const n = Math.min(REMEMBERED_EVENTS_MAX, records.length, out.ids.length);
    for (let k = 1; k <= n; k++) {
      const r = records[records.length - k]!;
      if (out.ids[out.ids.length - k] !== r.commandId) throw new Error('replay: newest records out of step');
      out.events[out.events.length - k] = r.events;
    }
    return out;
  }
}
