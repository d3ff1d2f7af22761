/**
 * @module log/replay
 * Reads the event log from a sequence on, batch by batch, in order. Used by
 * start-up (rebuild the ledger) and by the audit tools.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { DeliverPolicy } from '@nats-io/jetstream';
import type { LogBatch } from '../domain/events.ts';
import { decodeBatch } from './codec.ts';
import { LOG_STREAM } from './streams.ts';

const MiB = 1024 * 1024;

export interface ReplayOptions {
  readonly fromSeq?: number;
  /** Stop after this sequence; default: the stream's last sequence when replay starts. */
  readonly toSeq?: number;
  /** Told of each stored message that is not shaped as a batch we write (log/well-formed.ts); replay skips it. */
  readonly onSkipped?: (seq: number) => void;
}

/** What a start-up fold did: the last sequence read, the events folded, the messages it skipped. */
export interface FoldResult {
  readonly lastSeq: number;
  readonly events: number;
  /** Stored messages that were not batches: how many, and the first. */
  readonly skipped?: Skipped;
}

export interface Skipped {
  readonly count: number;
  readonly firstSeq: number;
}

/** `so far` with the message at `seq` skipped too. */
export const skippedAlso = (soFar: Skipped | undefined, seq: number): Skipped =>
  ({ count: (soFar?.count ?? 0) + 1, firstSeq: soFar?.firstSeq ?? seq });

export interface StoredBatch {
  /** The stored bytes (a view the client may reuse: copy before keeping). */
  readonly data: Uint8Array;
  readonly seq: number;
  readonly timestampNanos: number;
}

/**
 * The stored messages from `fromSeq` to `toSeq` in order. Returns (the
 * generator's return value) the last sequence read, or fromSeq - 1 if none.
 */
export async function* readLog(js: JetStreamClient, jsm: JetStreamManager, opts: ReplayOptions = {}):
  AsyncGenerator<StoredBatch, number> {
  const info = await jsm.streams.info(LOG_STREAM);
  const last = Math.min(opts.toSeq ?? info.state.last_seq, info.state.last_seq);
  const from = Math.max(opts.fromSeq ?? 1, info.state.first_seq);
  if (info.state.messages === 0 || from > last) return Math.min(last, (opts.fromSeq ?? 1) - 1);
  const consumer = await js.consumers.get(LOG_STREAM, {
    deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from,
  });
  // Bounded by bytes, not count: a pull of 1,000 large batches overruns the server's pending limit
  // for the connection and the replay stalls. Every pull must have room for the largest message
  // (max_payload, 8 MB): a refill asks for max_bytes less what is pending, and one too small for
  // the next message is answered 409 and the replay waited ~45 s for the pull to expire. So
  // refill only once half is in: each pull then asks for 12 MiB or more.
  const messages = await consumer.consume({ max_bytes: 24 * MiB, threshold_bytes: 12 * MiB, expires: 5000 });
  let seq = from - 1;
  try {
    for await (const m of messages) {
      seq = m.seq;
      yield { data: m.data, seq: m.seq, timestampNanos: m.info.timestampNanos };
      if (m.seq >= last) break;
    }
  } finally {
    messages.stop();
  }
  return seq;
}

/** Calls `onBatch` for each stored batch in order; returns the last sequence read. */
export async function replayLog(
  js: JetStreamClient, jsm: JetStreamManager,
  onBatch: (batch: LogBatch, seq: number, time: Date) => void,
  opts: ReplayOptions = {},
): Promise<number> {
  const log = readLog(js, jsm, opts);
  for (;;) {
    const next = await log.next();
    if (next.done) return next.value;
    const batch = decodeBatch(next.value.data);
    if (batch) onBatch(batch, next.value.seq, new Date(next.value.timestampNanos / 1e6));
    else opts.onSkipped?.(next.value.seq);
  }
}
