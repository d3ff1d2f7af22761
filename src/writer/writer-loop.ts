/**
 * @module writer/writer-loop
 * The single writer, free of NATS: inbound commands are decided in batches
 * against the live ledger; each batch's events become ONE fenced append
 * (group commit). Up to `inFlightMax` appends are pipelined, each chained on
 * its predecessor, so a failure stops everything after it. Replies go out
 * only once the batch is durable; after any failed append the ledger may
 * hold events that are not in the log, so it is rebuilt before going on.
 */
import { randomUUID } from 'node:crypto';
import type { AppliedCommand, Ledger } from '../domain/model.ts';
import type { Command } from '../domain/commands.ts';
import type { CommandRecord } from '../domain/events.ts';
import type { CommandResult } from '../commands/writer-port.ts';
import { skippedAlso, type EventLog, type FoldResult, type Skipped } from '../log/event-log.ts';
import { AppendUnknownError, FencedError } from '../log/append.ts';
import { reject } from '../domain/rejections.ts';
import { evolveRecord, remember, ReplayFold } from '../domain/evolve.ts';
import { parseCommand } from '../commands/schema.ts';
import { applyCommand } from './apply.ts';

/** One command as it arrived, whatever the transport. */
export interface Inbound {
  readonly commandId: string;
  readonly requestId: string;
  /** ms since the epoch; 0 = none. */
  readonly deadline: number;
  /** The command JSON, not yet validated. */
  readonly body: unknown;
  /** Its size as it arrived, in bytes (0: unknown): bounds a batch's stored message. */
  readonly bytes?: number;
  /** Set when the transport found it unacceptable as it arrived: refused with this, never applied. */
  readonly refusal?: string;
}

/** The writer's own command ids (its WriterStarted records): no sender may take one. */
const RESERVED_ID = /^writer-epoch-/;

export interface LoopIo<I extends Inbound> {
  reply(input: I, result: CommandResult): void;
  /** Every input up to and including these is settled (answered or dropped). */
  settled(inputs: readonly I[]): void;
  /** After a batch is durable, before its replies (change feed, test hooks). */
  durable?(records: readonly CommandRecord[], seq: number): void | Promise<void>;
}

/** Stored batches left to replay from which start-up uses the parse worker. */
const PARALLEL_REPLAY_MIN_BATCHES = 32;

export interface LoopOptions {
  readonly createLedger: () => Ledger;
  readonly now?: () => number;
  readonly batchCommandsMax?: number;
  /**
   * Bytes of commands per batch at most, and of their events as JSON (a
   * single larger one goes alone): the batch's stored message must stay under
   * the server's max_payload (8 MB).
   */
  readonly batchBytesMax?: number;
  /**
   * Bytes of one command's events at most (as JSON; default 5 MiB): with a full batch before it
   * (batchBytesMax) they must still fit in one stored message. A larger one is refused (400).
   */
  readonly commandEventBytesMax?: number;
  readonly inFlightMax?: number;
  readonly appendAttemptsMax?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log?: (msg: string) => void;
  /** Restore the newest snapshot into a fresh ledger, if any (null: replay all). */
  readonly loadSnapshot?: (fresh: Ledger, logCreated: string, logLastSeq: number) => Promise<Ledger | null>;
  readonly saveSnapshot?: (ledger: Ledger, logCreated: string) => Promise<void>;
  readonly snapshotEveryEvents?: number;
  /**
   * Names this writer process in its msgIds (default: a random UUID). Two
   * writers must never share a msgId: JetStream answers a duplicate msgId
   * with the original's sequence before it checks any expectation, so two
   * writers that rebuilt to the same seq would both "claim" the same epoch
   * and then each take the other's stored batch for its own.
   */
  readonly writerId?: string;
  /**
   * Simulation only: a deliberate bug, to show src/testing/simulation.ts
   * catches it. 'ack-unknown-append': take an append whose outcome is
   * unknown (AppendUnknownError) for a success. Never set outside tests.
   */
  readonly plantedBug?: 'ack-unknown-append';
}

interface Batch<I> {
  readonly inputs: I[];
  readonly results: Map<I, CommandResult | 'applied' | { twinOf: string }>;
  readonly records: CommandRecord[];
  readonly msgId: string;
  /** The sequence this batch must get: the log's end when it was decided, plus one. */
  readonly seq: number;
  appended?: Promise<number>;
}

export class WriterLoop<I extends Inbound> {
  private ledgerRef: Ledger;
  private readonly queue: I[] = [];
  private busy = false;
  private stopped = false;
  private fencedBy: FencedError | undefined;
  private unsound = false;
  private logCreated = '';
  private eventsSinceSnapshot = 0;
  private snapshotting: Promise<void> | undefined;
  private readonly idle: Array<() => void> = [];
  private readonly o: Required<Omit<LoopOptions, 'loadSnapshot' | 'saveSnapshot' | 'plantedBug'>> & LoopOptions;
  onFenced: ((e: FencedError) => void) | undefined;

  constructor(private readonly log: EventLog, private readonly io: LoopIo<I>, options: LoopOptions) {
    this.o = {
      now: Date.now, batchCommandsMax: 512, batchBytesMax: 2 * 1024 * 1024, commandEventBytesMax: 5 * 1024 * 1024,
      inFlightMax: 2, appendAttemptsMax: 4,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)), log: () => {}, snapshotEveryEvents: 100_000,
      writerId: randomUUID(),
      ...options,
    };
    this.ledgerRef = options.createLedger();
  }

  ledger(): Ledger { return this.ledgerRef; }
  get fenced(): boolean { return this.fencedBy !== undefined; }
  /**
   * True from a failed append until the ledger is rebuilt from the log: the ledger may then hold
   * effects that never became durable, so it must not be read (the HTTP front answers 503).
   */
  get rebuilding(): boolean { return this.unsound; }

  async start(): Promise<void> {
    await this.rebuild();
    await this.claimEpoch();
  }

  enqueue(input: I): void {
    if (this.fencedBy) {
      this.io.reply(input, unavailable('writer fenced by another writer'));
      this.io.settled([input]);
      return;
    }
    this.queue.push(input);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.busy) await new Promise<void>((r) => this.idle.push(r));
    await this.snapshotting; // a snapshot half stored would only be skipped, but let it finish
  }

  private async rebuild(): Promise<void> {
    const started = this.o.now();
    const info = await this.log.info();
    this.logCreated = info.created;
    const restore = async () => await this.o.loadSnapshot?.(this.o.createLedger(), info.created, info.lastSeq) ?? null;
    let restored = await restore();
    let ledger = restored ?? this.o.createLedger();
    let folded: FoldResult | undefined;
    // A worker takes ~0.2 s to start: worth it only for a long tail.
    if (this.log.foldInto && info.lastSeq - ledger.lastSeq >= PARALLEL_REPLAY_MIN_BATCHES) {
      folded = await this.log.foldInto(ledger, ledger.lastSeq + 1).catch((err: unknown) => {
        this.o.log(`writer: parallel replay failed (${String(err)}); replaying again on one thread`);
        return undefined;
      });
      if (!folded) ledger = (restored = await restore()) ?? this.o.createLedger();
    }
    folded ??= await this.replayInto(ledger);
    ledger.lastSeq = folded.lastSeq;
    this.ledgerRef = ledger;
    this.eventsSinceSnapshot = folded.events;
    this.o.log(`writer: ${restored ? `snapshot at seq ${restored.lastSeq} + ` : ''}replayed ${folded.events} events ` +
      `to seq ${ledger.lastSeq} in ${this.o.now() - started} ms`);
    const { skipped } = folded;
    if (skipped) {
      this.o.log(`writer: skipped ${skipped.count} stored messages that are not batches this service writes ` +
        `(first at seq ${skipped.firstSeq}): something else publishes on the log's subject`);
    }
  }

  private async replayInto(ledger: Ledger): Promise<FoldResult> {
    let events = 0;
    let skipped: Skipped | undefined;
    const fold = new ReplayFold(ledger);
    const lastSeq = await this.log.replay(ledger.lastSeq + 1, (batch, seq) => {
      ledger.epoch = Math.max(ledger.epoch, batch.epoch);
      for (const r of batch.records) {
        fold.record(r, seq);
        events += r.events.length;
      }
      ledger.lastSeq = seq;
    }, (seq) => { skipped = skippedAlso(skipped, seq); });
    fold.finish();
    return { lastSeq, events, skipped };
  }

  /** One WriterStarted append fenced on the replayed end: from here on an older writer is locked out. */
  private async claimEpoch(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const ledger = this.ledgerRef;
      const epoch = ledger.epoch + 1;
      const record: CommandRecord = {
        commandId: `writer-epoch-${epoch}`, requestId: '', at: new Date(this.o.now()).toISOString(),
        events: [{ type: 'WriterStarted', epoch }],
      };
      try {
        const seq = await this.log.append({ v: 1, epoch, records: [record] },
          { expectedLastSeq: ledger.lastSeq, msgId: `${this.o.writerId}-epoch-${epoch}-s${ledger.lastSeq}` });
        evolveRecord(ledger, record, seq);
        ledger.lastSeq = seq;
        this.o.log(`writer: epoch ${epoch} from seq ${seq}`);
        // An empty log has no identity yet (it is its first message's): take it now, for the snapshots.
        if (seq === 1) this.logCreated = await this.log.info().then((i) => i.created, () => this.logCreated);
        return;
      } catch (err) {
        if (attempt >= 5) throw err;
        await this.rebuild();
      }
    }
  }

  private kick(): void {
    if (this.busy || this.stopped) return;
    this.busy = true;
    let crashed = false;
    void this.drain().catch((err) => {
      crashed = true;
      this.o.log(`writer: ${String(err)}`);
    }).finally(() => {
      this.busy = false;
      for (const r of this.idle.splice(0)) r();
      if (this.queue.length === 0 || this.stopped) return;
      // After an unexpected error, pause before trying again rather than spin.
      if (crashed) void this.o.sleep(100).then(() => this.kick());
      else this.kick();
    });
  }

  private async drain(): Promise<void> {
    const flight: Batch<I>[] = [];
    let failure: unknown;
    while ((this.queue.length > 0 && !this.stopped) || flight.length > 0) {
      if (this.queue.length > 0 && !this.stopped && failure === undefined && flight.length < this.o.inFlightMax &&
          !this.snapshotDue()) {
        // Chained on the newest batch that appends (a batch of refusals only appends nothing).
        const previous = flight.reduce<Batch<I> | undefined>((p, f) => (f.appended ? f : p), undefined);
        const b = this.decideBatch(this.nextInputs(), previous);
        flight.push(b);
        // Let the append go out and more commands arrive before deciding the next batch.
        await Promise.resolve();
        continue;
      }
      if (flight.length === 0) {
        // Nothing in flight, yet no new batch: a snapshot is due (e.g. after replaying a long tail).
        // The ledger is exactly the log now, so take it, then go on.
        if (this.snapshotDue()) {
          this.snapshot();
          continue;
        }
        break;
      }
      const b = flight.shift()!;
      let seq = 0;
      try {
        seq = b.appended ? await b.appended : 0;
        if (b.appended && seq !== b.seq) throw new Error(`batch landed at seq ${seq}, expected ${b.seq}`);
      } catch (err) {
        failure ??= err;
        this.unsound = true;
      }
      if (failure === undefined) {
        const finishing = this.finish(b, seq);
        if (finishing) await finishing;
        this.eventsSinceSnapshot += b.records.reduce((n, r) => n + r.events.length, 0);
        // Only with nothing in flight is the ledger exactly the log: snapshot then.
        if (flight.length === 0 && this.snapshotDue()) this.snapshot();
      } else this.abandon(b, failure);
      if (failure !== undefined && flight.length === 0) {
        if (failure instanceof FencedError) {
          this.fencedBy = failure;
          this.stopped = true;
          for (const i of this.queue.splice(0)) this.io.reply(i, unavailable('writer fenced by another writer'));
          this.onFenced?.(failure);
          return;
        }
        await this.rebuildUntilOk();
        this.unsound = false;
        failure = undefined;
      }
    }
  }

  /** The next batch's inputs: at most batchCommandsMax of them and batchBytesMax bytes, at least one. */
  private nextInputs(): I[] {
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length && n < this.o.batchCommandsMax) {
      bytes += this.queue[n]!.bytes ?? 0;
      if (n > 0 && bytes > this.o.batchBytesMax) break;
      n++;
    }
    return this.queue.splice(0, n);
  }

  /** Decide every input against the live ledger (in place) and start the append. */
  private decideBatch(inputs: I[], previous: Batch<I> | undefined): Batch<I> {
    const ledger = this.ledgerRef;
    const now = this.o.now();
    const at = new Date(now).toISOString();
    const results: Batch<I>['results'] = new Map();
    const records: CommandRecord[] = [];
    // Events can be far larger than their commands (an inventory change carries all the provider's
    // inventories): once they pass the bound, the inputs not decided yet wait for the next batch.
    let eventBytes = 0;
    for (let k = 0; k < inputs.length; k++) {
      if (k > 0 && eventBytes > this.o.batchBytesMax) {
        this.queue.unshift(...inputs.splice(k));
        break;
      }
      const input = inputs[k]!;
      if (this.fencedBy) { results.set(input, unavailable('writer fenced by another writer')); continue; }
      if (input.refusal || RESERVED_ID.test(input.commandId)) {
        const why = input.refusal ?? `command id ${input.commandId} is reserved for the writer's own records`;
        this.o.log(`writer: refused command ${input.commandId || '(no id)'}: ${why}`);
        results.set(input, { ok: false, rejection: reject('BadRequest', why) });
        continue;
      }
      // A command already applied gets its first outcome, even when it comes back after its deadline.
      const done = input.commandId ? ledger.appliedCommands.get(input.commandId) : undefined;
      if (done && done.seq > 0) {
        results.set(input, outcome(done, true));
        continue;
      }
      if (input.deadline > 0 && input.deadline < now) {
        results.set(input, unavailable('command expired before the writer reached it'));
        continue;
      }
      if (!input.commandId) {
        results.set(input, { ok: false, rejection: reject('BadRequest', 'command has no command id') });
        continue;
      }
      // Not valid: the same body always gets the same answer, so nothing needs remembering.
      const parsed = parseCommand(input.body);
      if (!parsed.ok) {
        results.set(input, { ok: false, rejection: reject('BadRequest', parsed.detail) });
        continue;
      }
      const ctx = { commandId: input.commandId, requestId: input.requestId, at };
      const applied = applyCommand(ledger, parsed.command as Command, ctx, this.o.commandEventBytesMax);
      // Durable outcomes were answered above: a duplicate here is a twin of one whose batch is not durable yet.
      if (applied.kind === 'duplicate') {
        results.set(input, { twinOf: input.commandId });
        continue;
      }
      // A refusal is logged like an applied command (no events): a redelivery, even to a later writer, gets this "no".
      const record: CommandRecord = applied.kind === 'rejected' ? { ...ctx, events: [], refused: applied.rejection } : applied.record;
      remember(ledger, input.commandId, 0, record.events, record.refused);
      records.push(record);
      results.set(input, 'applied');
      if (applied.kind === 'record') eventBytes += applied.bytes;
    }
    const expectedLastSeq = ledger.lastSeq;
    const msgId = `${this.o.writerId}-e${ledger.epoch}-s${expectedLastSeq}`;
    const b: Batch<I> = { inputs, results, records, msgId, seq: expectedLastSeq + 1 };
    if (records.length > 0) {
      ledger.lastSeq += 1; // the tail this batch will make, if it lands
      b.appended = this.append(b, expectedLastSeq, previous?.appended ? previous : undefined);
      b.appended.catch(() => {}); // settled in drain, in order
    }
    return b;
  }

  private async append(b: Batch<I>, expectedLastSeq: number, previous: Batch<I> | undefined): Promise<number> {
    const batch = { v: 1 as const, epoch: this.ledgerRef.epoch, records: b.records };
    const expectedLastMsgId = previous?.msgId;
    let predecessor = previous?.appended;
    let lastErr: unknown;
    for (let attempt = 0; attempt < this.o.appendAttemptsMax; attempt++) {
      try {
        return await this.log.append(batch, { expectedLastSeq, expectedLastMsgId, msgId: b.msgId });
      } catch (err) {
        if (err instanceof FencedError) {
          // Chained on a predecessor that is not stored yet (its retry may still land), the append is
          // refused without any other writer: only once the predecessor has landed is a refusal final.
          if (!predecessor || !(await predecessor.then(() => true, () => false))) throw err;
          predecessor = undefined;
          attempt--; // not counted: the first try never had a chance
          continue;
        }
        if (this.o.plantedBug === 'ack-unknown-append' && err instanceof AppendUnknownError) return expectedLastSeq + 1;
        lastErr = err;
        await this.o.sleep(Math.min(250 * 2 ** attempt, 2000));
      }
    }
    throw lastErr;
  }

  /**
   * Synchronous unless `durable` is (a test hook): the feed, the replies, the
   * ack and the next batch's append then leave in one run, which the NATS
   * client writes to its socket at once.
   */
  private finish(b: Batch<I>, seq: number): void | Promise<void> {
    const ledger = this.ledgerRef;
    for (const r of b.records) remember(ledger, r.commandId, seq, r.events, r.refused);
    const durable = b.records.length > 0 ? this.io.durable?.(b.records, seq) : undefined;
    if (durable) return durable.then(() => this.answer(b));
    this.answer(b);
  }

  private answer(b: Batch<I>): void {
    const ledger = this.ledgerRef;
    for (const input of b.inputs) {
      const r = b.results.get(input)!;
      if (r === 'applied' || 'twinOf' in r) {
        const done = ledger.appliedCommands.get(input.commandId);
        this.io.reply(input, done && done.seq > 0 ? outcome(done, r !== 'applied') : unavailable('lost track of command'));
      } else this.io.reply(input, r);
    }
    this.io.settled(b.inputs);
  }

  /** The batch's outcome is unknown: say so (503), never guess. */
  private abandon(b: Batch<I>, failure: unknown): void {
    const why = failure instanceof FencedError ? 'writer fenced by another writer' : 'event log unavailable; outcome unknown';
    for (const input of b.inputs) {
      const r = b.results.get(input)!;
      this.io.reply(input, r !== 'applied' && !('twinOf' in r) && !r.ok ? r : unavailable(why));
    }
    this.io.settled(b.inputs);
  }

  private async rebuildUntilOk(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.rebuild();
        await this.claimEpoch();
        return;
      } catch (err) {
        this.o.log(`writer: rebuild failed (${String(err)}), retrying`);
        await this.o.sleep(Math.min(250 * 2 ** attempt, 5000));
      }
    }
  }

  private snapshotDue(): boolean {
    return this.o.saveSnapshot !== undefined && this.o.snapshotEveryEvents > 0 && this.snapshotting === undefined &&
      this.eventsSinceSnapshot >= this.o.snapshotEveryEvents;
  }

  /**
   * saveSnapshot captures the ledger synchronously (before its first await); storing it goes on
   * in the background, so the writer pauses only for the serialising, not for the upload.
   */
  private snapshot(): void {
    this.eventsSinceSnapshot = 0;
    const t = this.o.now();
    const seq = this.ledgerRef.lastSeq;
    this.snapshotting = this.o.saveSnapshot!(this.ledgerRef, this.logCreated)
      .then(() => this.o.log(`writer: snapshot at seq ${seq} in ${this.o.now() - t} ms`),
        (err) => this.o.log(`writer: snapshot failed: ${String(err)}`))
      .finally(() => { this.snapshotting = undefined; });
  }
}

const unavailable = (detail: string): CommandResult => ({ ok: false, rejection: reject('Unavailable', detail) });

/** The answer a durable outcome gives: its events, or its refusal. */
function outcome(done: AppliedCommand, duplicate: boolean): CommandResult {
  if (done.refused) return { ok: false, rejection: done.refused };
  return { ok: true, seq: done.seq, events: done.events, ...(duplicate ? { duplicate: true } : {}) };
}
