/**
 * @module log/append
 * The fenced append: a batch is stored only if the log ends exactly where
 * this writer believes it does (Nats-Expected-Last-Sequence). A second
 * writer on stale state is refused, never interleaved.
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { LogBatch } from '../domain/events.ts';
import { encodeBatch } from './codec.ts';
import { LOG_SUBJECT } from './streams.ts';

/** Another writer appended: this one's view is stale and it must stop. */
export class FencedError extends Error {
  constructor(readonly expectedLastSeq: number, cause: unknown) {
    super(`fenced: the log no longer ends at ${expectedLastSeq}`, { cause });
    this.name = 'FencedError';
  }
}

/** The append may or may not be stored (timeout, lost connection). */
export class AppendUnknownError extends Error {
  constructor(cause: unknown) {
    super('append outcome unknown', { cause });
    this.name = 'AppendUnknownError';
  }
}

export interface AppendOptions {
  readonly expectedLastSeq: number;
  /** Pipelined appends also expect their predecessor's message id (fail-stop chain). */
  readonly expectedLastMsgId?: string;
  /** Same id on every retry of the same batch: the server's dedupe makes retries safe. */
  readonly msgId: string;
  readonly timeoutMs: number;
}

/** JetStream's "wrong last msg id": the chain broke, someone else appended. */
const WRONG_LAST_MSG_ID = 10070;

export async function appendBatch(js: JetStreamClient, batch: LogBatch, opts: AppendOptions): Promise<number> {
  try {
    const ack = await js.publish(LOG_SUBJECT, encodeBatch(batch), {
      msgID: opts.msgId,
      expect: { lastSequence: opts.expectedLastSeq, ...(opts.expectedLastMsgId ? { lastMsgID: opts.expectedLastMsgId } : {}) },
      timeout: opts.timeoutMs,
    });
    // A duplicate means an earlier try of this very batch was stored.
    return ack.seq;
  } catch (err) {
    if (err instanceof JetStreamApiError &&
        (err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === WRONG_LAST_MSG_ID)) {
      throw new FencedError(opts.expectedLastSeq, err);
    }
    throw new AppendUnknownError(err);
  }
}
