/**
 * @module log/event-log
 * The writer's view of the log: where it ends, a fenced append, and replay.
 * JetStream implements it here; the simulation implements it in memory with
 * injected faults, so both drive the very same writer loop.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { LogBatch } from '../domain/events.ts';
import { encodeBatch } from './codec.ts';
import { replayLog } from './replay.ts';
import { LOG_STREAM, LOG_SUBJECT } from './streams.ts';
import { AppendUnknownError, FencedError } from './append.ts';

export interface LogInfo {
  /** Identity of this log (a recreated log is another log). */
  readonly created: string;
  readonly lastSeq: number;
}

export interface FencedAppend {
  /** The log must end here... */
  readonly expectedLastSeq: number;
  /** ...with this message (pipelined appends chain on their predecessor). */
  readonly expectedLastMsgId?: string;
  /** Same id on every retry of the same batch: retries are deduplicated. */
  readonly msgId: string;
}

export interface EventLog {
  info(): Promise<LogInfo>;
  /** Resolves with the batch's sequence; rejects with FencedError or AppendUnknownError. */
  append(batch: LogBatch, opts: FencedAppend): Promise<number>;
  replay(fromSeq: number, onBatch: (batch: LogBatch, seq: number) => void): Promise<number>;
}

export class JetStreamEventLog implements EventLog {
  constructor(private readonly js: JetStreamClient, private readonly jsm: JetStreamManager,
    private readonly timeoutMs = 5000) {}

  async info(): Promise<LogInfo> {
    const i = await this.jsm.streams.info(LOG_STREAM);
    return { created: i.created, lastSeq: i.state.last_seq };
  }

  async append(batch: LogBatch, opts: FencedAppend): Promise<number> {
    try {
      const ack = await this.js.publish(LOG_SUBJECT, encodeBatch(batch), {
        msgID: opts.msgId,
        expect: { lastSequence: opts.expectedLastSeq, ...(opts.expectedLastMsgId ? { lastMsgID: opts.expectedLastMsgId } : {}) },
        timeout: this.timeoutMs,
      });
      return ack.seq;
    } catch (err) {
      // 10071 wrong last sequence, 10070 wrong last msg id: someone else appended.
      if (err instanceof JetStreamApiError && (err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === 10070)) {
        throw new FencedError(opts.expectedLastSeq, err);
      }
      throw new AppendUnknownError(err);
    }
  }

  replay(fromSeq: number, onBatch: (batch: LogBatch, seq: number) => void): Promise<number> {
    return replayLog(this.js, this.jsm, onBatch, { fromSeq });
  }
}
