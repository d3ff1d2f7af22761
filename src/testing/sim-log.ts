/**
 * @module testing/sim-log
 * An in-memory event log for the simulation, with JetStream's append rules:
 * dedupe by msgId within a time window (checked first, so a duplicate is
 * answered with the original sequence whatever it expected), then the
 * expectations (last sequence, last msgId), then store. Each writer process
 * talks to it through its own SimLogClient (one connection: requests reach
 * the server in order, answers come back in order), and a seeded PRNG
 * decides the faults: an append refused before storing, stored with its ack
 * lost, or stalled past the client's timeout and stored afterwards; reads
 * that fail. Everything happens on SimClock events, so the run is exactly
 * reproducible from the seed.
 */
import type { LogBatch } from '../domain/events.ts';
import type { Ledger } from '../domain/model.ts';
import { rememberAll } from '../domain/evolve.ts';
import { ChunkFold } from '../domain/replay-chunk.ts';
import { ReplayParser } from '../log/replay-parser.ts';
import type { EventLog, FencedAppend, LogInfo } from '../log/event-log.ts';
import { AppendUnknownError, FencedError } from '../log/append.ts';
import { decodeBatch, encodeBatch } from '../log/codec.ts';
import type { Prng } from './prng.ts';
import type { SimClock } from './sim-clock.ts';

export interface SimLogFaults {
  /** P(append refused before storing); the client hears AppendUnknownError. */
  readonly appendRejected: number;
  /** P(append stored but its ack lost); AppendUnknownError when the client's timeout fires. */
  readonly ackLost: number;
  /** P(append stalls past the client's timeout, then reaches the server and is stored if still valid). */
  readonly storedLate: number;
  /** P(info or replay fails). */
  readonly readFailed: number;
  /** Mean one-way latency. */
  readonly latencyMsMean: number;
  /** The client's publish timeout. */
  readonly timeoutMs: number;
  /** JetStream duplicate_window (PLACEMENT_LOG has 120 s). */
  readonly dedupeWindowMs: number;
  /** P(a request still on the wire when its process dies reaches the server). */
  readonly landsAfterCrash: number;
}

export const NO_FAULTS: SimLogFaults = {
  appendRejected: 0, ackLost: 0, storedLate: 0, readFailed: 0, latencyMsMean: 0.5, timeoutMs: 5000,
  dedupeWindowMs: 120_000, landsAfterCrash: 1,
};

export interface StoredEntry {
  readonly seq: number;
  readonly msgId: string;
  /** Decoded from the stored bytes: shares nothing with the writer that sent it. */
  readonly batch: LogBatch;
  readonly data: Uint8Array;
  /** Name of the client (writer process, intruder) that stored it. */
  readonly by: string;
  readonly time: number;
}

export interface SimLogStats {
  appends: number;
  stored: number;
  duplicates: number;
  wrongLastSeq: number;
  wrongLastMsgId: number;
  rejected: number;
  ackLost: number;
  storedLate: number;
  readFailed: number;
  lostInCrash: number;
}

type ServerAnswer = { readonly seq: number; readonly duplicate: boolean } | { readonly wrong: 'last-seq' | 'last-msg-id' };

export class SimLog {
  readonly entries: StoredEntry[] = [];
  /** What replay hands writers: decoded once per entry and deep-frozen, so a writer that mutated it would throw. */
  private readonly replayed: LogBatch[] = [];
  private readonly dedupe = new Map<string, { seq: number; time: number }>();
  private readonly dedupeQueue: Array<{ msgId: string; time: number }> = [];
  private dedupeHead = 0;
  readonly stats: SimLogStats = {
    appends: 0, stored: 0, duplicates: 0, wrongLastSeq: 0, wrongLastMsgId: 0, rejected: 0, ackLost: 0,
    storedLate: 0, readFailed: 0, lostInCrash: 0,
  };
  /** Called synchronously as each entry is stored: where the checker hooks in. */
  onStored: ((e: StoredEntry) => void) | undefined;

  constructor(readonly clock: SimClock, readonly rng: Prng, public faults: SimLogFaults, readonly created = 'sim-log') {}

  get lastSeq(): number { return this.entries.length; }
  entry(seq: number): StoredEntry | undefined { return this.entries[seq - 1]; }

  /** The batch at `seq` as replay delivers it (decoded from the stored bytes, shared, frozen). */
  replayBatch(seq: number): LogBatch | null {
    const cached = this.replayed[seq - 1];
    if (cached) return cached;
    const batch = decodeBatch(this.entries[seq - 1]!.data);
    if (batch) this.replayed[seq - 1] = deepFreeze(batch);
    return batch;
  }

  /** A connection for one process. */
  /** A connection for one process; `chunked`: it rebuilds through the chunked replay start-up uses. */
  client(name: string, chunked = false): SimLogClient { return new SimLogClient(this, name, chunked); }

  /** Server side of an append, in JetStream's order: dedupe, expectations, store. */
  serverAppend(data: Uint8Array, opts: FencedAppend, by: string): ServerAnswer {
    this.stats.appends++;
    const now = this.clock.now();
    this.pruneDedupe(now);
    const dup = this.dedupe.get(opts.msgId);
    if (dup && now - dup.time < this.faults.dedupeWindowMs) {
      this.stats.duplicates++;
      return { seq: dup.seq, duplicate: true };
    }
    const last = this.entries.at(-1);
    if (opts.expectedLastSeq !== this.lastSeq) {
      this.stats.wrongLastSeq++;
      return { wrong: 'last-seq' };
    }
    if (opts.expectedLastMsgId !== undefined && opts.expectedLastMsgId !== (last?.msgId ?? '')) {
      this.stats.wrongLastMsgId++;
      return { wrong: 'last-msg-id' };
    }
    const batch = decodeBatch(data);
    if (!batch) throw new Error(`sim-log: ${by} appended something that is not a batch`);
    const entry: StoredEntry = { seq: this.lastSeq + 1, msgId: opts.msgId, batch, data, by, time: now };
    this.entries.push(entry);
    this.dedupe.set(opts.msgId, { seq: entry.seq, time: now });
    this.dedupeQueue.push({ msgId: opts.msgId, time: now });
    this.stats.stored++;
    this.onStored?.(entry);
    return { seq: entry.seq, duplicate: false };
  }

  latency(): number { return this.rng.exp(this.faults.latencyMsMean); }

  private pruneDedupe(now: number): void {
    const q = this.dedupeQueue;
    while (this.dedupeHead < q.length && now - q[this.dedupeHead]!.time >= this.faults.dedupeWindowMs) {
      const { msgId, time } = q[this.dedupeHead++]!;
      if (this.dedupe.get(msgId)?.time === time) this.dedupe.delete(msgId);
    }
    if (this.dedupeHead > 4096 && this.dedupeHead * 2 > q.length) {
      q.splice(0, this.dedupeHead);
      this.dedupeHead = 0;
    }
  }
}

/** One process's connection to the SimLog: an EventLog the writer loop uses as it would JetStream. */
export class SimLogClient implements EventLog {
  private alive = true;
  /** Requests reach the server in the order sent, answers come back in order. */
  private serverAt = 0;
  private answerAt = 0;
  private open = 0;

  readonly foldInto?: (ledger: Ledger, fromSeq: number) => Promise<{ lastSeq: number; events: number }>;

  constructor(private readonly log: SimLog, readonly name: string, chunked = false) {
    if (chunked) this.foldInto = (ledger, fromSeq) => this.chunkedFold(ledger, fromSeq);
  }

  /** Requests sent and not yet answered. */
  get pending(): number { return this.open; }
  get dead(): boolean { return !this.alive; }

  /** The process is gone: it hears nothing more; requests on the wire may still reach the server. */
  kill(): void { this.alive = false; }

  info(): Promise<LogInfo> {
    return this.request('info', false, () => this.readFault() ?? { created: this.log.created, lastSeq: this.log.lastSeq });
  }

  replay(fromSeq: number, onBatch: (batch: LogBatch, seq: number) => void): Promise<number> {
    return this.request('replay', false, () => {
      const failed = this.readFault();
      if (failed) return failed;
      const end = this.log.lastSeq;
      // The batches travel with the answer and are handed over when it arrives.
      return () => {
        if (fromSeq > end) return Math.min(end, fromSeq - 1);
        for (let seq = Math.max(1, fromSeq); seq <= end; seq++) {
          const batch = this.log.replayBatch(seq);
          if (batch) onBatch(batch, seq);
        }
        return end;
      };
    });
  }

  /** What start-up does with a worker (log/parallel-replay.ts), on this thread: parse to chunks, fold them. */
  private chunkedFold(ledger: Ledger, fromSeq: number): Promise<{ lastSeq: number; events: number }> {
    return this.request('chunked replay', false, () => {
      const failed = this.readFault();
      if (failed) return failed;
      const end = this.log.lastSeq;
      return () => {
        const parser = new ReplayParser(ledger.appliedCommands.max);
        const fold = new ChunkFold(ledger);
        let events = 0;
        for (let seq = Math.max(1, fromSeq); seq <= end; seq++) events += fold.fold(parser.batch(this.log.entry(seq)!.data, seq));
        rememberAll(ledger, parser.finish());
        return { lastSeq: fromSeq > end ? Math.min(end, fromSeq - 1) : end, events };
      };
    });
  }

  append(batch: LogBatch, opts: FencedAppend): Promise<number> {
    const data = encodeBatch(batch);
    const f = this.log.faults;
    const r = this.log.rng.float();
    const fault = r < f.appendRejected ? 'rejected'
      : r < f.appendRejected + f.ackLost ? 'ack-lost'
        : r < f.appendRejected + f.ackLost + f.storedLate ? 'late' : 'none';
    if (fault !== 'none') this.log.stats[fault === 'rejected' ? 'rejected' : fault === 'ack-lost' ? 'ackLost' : 'storedLate']++;
    const what = `append ${opts.msgId} after ${opts.expectedLastSeq}/${opts.expectedLastMsgId ?? '-'}${fault === 'none' ? '' : ` (${fault})`}`;
    return this.request<number>(what, fault === 'ack-lost' || fault === 'late', () => {
      if (fault === 'rejected') return new AppendUnknownError(new Error('sim: refused before storing'));
      const a = this.log.serverAppend(data, opts, this.name);
      if ('seq' in a) return a.seq;
      return new FencedError(opts.expectedLastSeq, new Error(`sim: wrong ${a.wrong}`));
    }, fault === 'late' ? f.timeoutMs + this.log.latency() : 0);
  }

  private readFault(): Error | undefined {
    if (!this.log.rng.chance(this.log.faults.readFailed)) return undefined;
    this.log.stats.readFailed++;
    return new Error('sim: read failed');
  }

  /**
   * One round trip. `server` runs when the request reaches the server and
   * returns the answer (a value, an Error to reject with, or a function
   * producing the value on arrival). `answerLost`: the client hears
   * AppendUnknownError at its timeout instead.
   */
  private request<T>(what: string, answerLost: boolean, server: () => T | Error | (() => T), stallMs = 0): Promise<T> {
    const log = this.log;
    const clock = log.clock;
    if (!this.alive) return new Promise<T>(() => {});
    return new Promise<T>((resolve, reject) => {
      this.open++;
      let done = false;
      const settle = (fn: () => void): void => {
        if (done || !this.alive) return;
        done = true;
        this.open--;
        fn();
      };
      if (answerLost) {
        clock.after(log.faults.timeoutMs, `${this.name} ${what} timeout`,
          () => settle(() => reject(new AppendUnknownError(new Error('sim: no ack in time')))));
      }
      this.serverAt = Math.max(this.serverAt, clock.now() + log.latency()) + stallMs;
      clock.at(this.serverAt, `${this.name} ${what} at server`, () => {
        if (!this.alive && !log.rng.chance(log.faults.landsAfterCrash)) {
          log.stats.lostInCrash++;
          return;
        }
        const answer = server();
        if (answerLost || !this.alive) return;
        this.answerAt = Math.max(this.answerAt, clock.now() + log.latency());
        const told = answer instanceof Error ? answer.name : typeof answer === 'number' ? `seq ${answer}` : 'ok';
        clock.at(this.answerAt, `${this.name} ${what} answer: ${told}`, () => settle(() => {
          if (answer instanceof Error) reject(answer);
          else if (typeof answer === 'function') {
            try {
              resolve((answer as () => T)());
            } catch (err) {
              reject(err);
            }
          } else resolve(answer);
        }));
      });
    });
  }
}

/** Freezes a JSON value all the way down. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
