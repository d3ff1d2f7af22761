/**
 * @module log/event-log
 * The writer's view of the log: where it ends, a fenced append, and replay.
 * JetStream implements it here; the simulation implements it in memory with
 * injected faults, so both drive the very same writer loop.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { LogBatch } from '../domain/events.ts';
import type { Ledger } from '../domain/model.ts';
import { replayLog, type FoldResult } from './replay.ts';
import { foldLogInParallel } from './parallel-replay.ts';
import { LOG_STREAM } from './streams.ts';
import { AppendUnknownError, appendBatch } from './append.ts';
import { onReconnect, type Watch } from '../nats/reconnects.ts';

export { skippedAlso, type FoldResult, type Skipped } from './replay.ts';

/**
 * The log's identity: its first message's sequence and store time. Not the stream's `created`:
 * nats-server does not keep that across a kill -9 (it came back as the time of an earlier
 * restart, and every snapshot was then taken for another log's). The first message stays:
 * the stream denies deletes and purges.
 */
export async function logIdentity(jsm: JetStreamManager, state: { messages: number; first_seq: number }): Promise<string> {
  if (state.messages === 0) return 'empty';
  const first = await jsm.streams.getMessage(LOG_STREAM, { seq: state.first_seq });
  return `${state.first_seq}@${first?.timestamp ?? '?'}`;
}

export interface LogInfo {
  /** Identity of this log (a recreated log is another log): see logIdentity. */
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
  /** `onSkipped`: told of each stored message that is not a batch (replay skips it). */
  replay(fromSeq: number, onBatch: (batch: LogBatch, seq: number) => void, onSkipped?: (seq: number) => void): Promise<number>;
  /**
   * Optional, for start-up: folds the log from `fromSeq` into `ledger` faster
   * than `replay` would (the same ledger results, the same messages skipped).
   */
  foldInto?(ledger: Ledger, fromSeq: number): Promise<FoldResult>;

}

export class JetStreamEventLog implements EventLog {
  private reconnected: Promise<never> | undefined;
  private readonly reconnects: Watch | undefined;

  /**
   * With `nc`, an append still waiting for its PubAck when the connection
   * comes back is given up at once (its PubAck, if any, went to the old
   * connection) instead of after its timeout; the writer retries it with the
   * same msgId, which the server's dedupe turns into the stored seq.
   */
  constructor(private readonly js: JetStreamClient, private readonly jsm: JetStreamManager,
    private readonly timeoutMs = 5000, nc?: NatsConnection) {
    if (!nc) return;
    let interrupt: (err: Error) => void = () => {};
    const arm = () => {
      this.reconnected = new Promise<never>((_, reject) => { interrupt = reject; });
      this.reconnected.catch(() => {});
    };
    arm();
    this.reconnects = onReconnect(nc, () => {
      interrupt(new AppendUnknownError(new Error('reconnected before the PubAck')));
      arm();
    });
  }

  /** Stops watching the connection. */
  close(): void {
    this.reconnects?.stop();
  }

  async info(): Promise<LogInfo> {
    const i = await this.jsm.streams.info(LOG_STREAM);
    return { created: await logIdentity(this.jsm, i.state), lastSeq: i.state.last_seq };
  }

  append(batch: LogBatch, opts: FencedAppend): Promise<number> {
    const appended = appendBatch(this.js, batch, { ...opts, timeoutMs: this.timeoutMs });
    if (!this.reconnected) return appended;
    appended.catch(() => {}); // settled by the race below either way
    return Promise.race([appended, this.reconnected]);
  }

  replay(fromSeq: number, onBatch: (batch: LogBatch, seq: number) => void, onSkipped?: (seq: number) => void): Promise<number> {
    return replayLog(this.js, this.jsm, onBatch, { fromSeq, onSkipped });
  }

  foldInto(ledger: Ledger, fromSeq: number): Promise<FoldResult> {
    return foldLogInParallel(this.js, this.jsm, ledger, fromSeq);
  }
}
