/**
 * @module log/event-log
 * The writer's view of the log: where it ends, a fenced append, and replay.
 * JetStream implements it here; the simulation implements it in memory with
 * injected faults, so both drive the very same writer loop.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { LogBatch } from '../domain/events.ts';
import { replayLog } from './replay.ts';
import { LOG_STREAM } from './streams.ts';
import { appendBatch } from './append.ts';

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

  append(batch: LogBatch, opts: FencedAppend): Promise<number> {
    return appendBatch(this.js, batch, { ...opts, timeoutMs: this.timeoutMs });
  }

  replay(fromSeq: number, onBatch: (batch: LogBatch, seq: number) => void): Promise<number> {
    return replayLog(this.js, this.jsm, onBatch, { fromSeq });
  }
}
