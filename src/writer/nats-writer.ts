/**
 * @module writer/nats-writer
 * The single writer. Takes commands from the PLACEMENT_CMD work queue in
 * batches, decides each against the live ledger, appends the batch's events
 * as ONE fenced message (group commit: one fsync for many commands), and
 * only then replies and acks. If an append fails the ledger may hold events
 * that are not durable, so it is rebuilt from the log before going on.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { Ledger } from '../domain/model.ts';
import type { Command } from '../domain/commands.ts';
import type { CommandRecord, LogBatch } from '../domain/events.ts';
import type { CommandResult } from '../commands/writer-port.ts';
import { Header, toReply } from '../commands/envelope.ts';
import { reject } from '../domain/rejections.ts';
import { evolveRecord, remember } from '../domain/evolve.ts';
import { applyCommand } from './apply.ts';
import { appendBatch, FencedError } from '../log/append.ts';
import { replayLog } from '../log/replay.ts';
import { CMD_STREAM, WRITER_CONSUMER } from '../log/streams.ts';
import { parseCommand } from '../commands/schema.ts';
import { publishFeed } from './feed.ts';
import type { SnapshotStore } from '../log/snapshots.ts';
import { LOG_STREAM } from '../log/streams.ts';

export interface WriterOptions {
  readonly createLedger: () => Ledger;
  /** Commands per batch at most. */
  readonly batchCommandsMax?: number;
  /** Bytes of events per stored message at most (below the server's max_payload). */
  readonly batchBytesMax?: number;
  readonly appendTimeoutMs?: number;
  /** Append attempts (same message id) before giving the batch up as unknown. */
  readonly appendAttemptsMax?: number;
  readonly log?: (msg: string) => void;
  /** Store a snapshot after this many events since the last one (0: never). */
  readonly snapshotEveryEvents?: number;
  readonly snapshots?: SnapshotStore;
  /** Test hook: called after a batch is durable and before anyone hears of it. */
  readonly afterAppend?: (seq: number) => void | Promise<void>;
}

type Pending = { readonly msg: JsMsg; result?: CommandResult; deferredFrom?: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class NatsWriter {
  private ledgerRef: Ledger;
  private queue: JsMsg[] = [];
  private busy = false;
  private messages: ConsumerMessages | undefined;
  private stopped = false;
  private fencedError: FencedError | undefined;
  private readonly opts: Required<Omit<WriterOptions, 'afterAppend' | 'snapshots'>> & Pick<WriterOptions, 'afterAppend' | 'snapshots'>;
  private eventsSinceSnapshot = 0;
  private logCreated = '';
  private readonly idle: Array<() => void> = [];
  private onFenced: ((e: FencedError) => void) | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    options: WriterOptions,
  ) {
    this.opts = {
      batchCommandsMax: 512,
      batchBytesMax: 4 * 1024 * 1024,
      appendTimeoutMs: 5000,
      appendAttemptsMax: 4,
      snapshotEveryEvents: 100_000,
      log: () => {},
      ...options,
    };
    this.ledgerRef = options.createLedger();
  }

  /** The ledger reads are served from (replaced wholesale after a rebuild). */
  ledger(): Ledger {
    return this.ledgerRef;
  }

  get fenced(): boolean {
    return this.fencedError !== undefined;
  }

  whenFenced(cb: (e: FencedError) => void): void {
    this.onFenced = cb;
  }

  /** Rebuild from the log, claim the next epoch, then take commands. */
  async start(): Promise<void> {
    await this.rebuild();
    await this.claimEpoch();
    const consumer = await this.js.consumers.get(CMD_STREAM, WRITER_CONSUMER);
    this.messages = await consumer.consume({ max_messages: 1024 });
    void (async () => {
      for await (const m of this.messages!) {
        if (this.stopped) break;
        this.queue.push(m);
        this.kick();
      }
    })().catch((err) => this.opts.log(`writer: consumer ended: ${String(err)}`));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.messages?.stop();
    if (this.busy) await new Promise<void>((r) => this.idle.push(r));
  }

  private async rebuild(): Promise<void> {
    const started = Date.now();
    const info = await this.jsm.streams.info(LOG_STREAM);
    this.logCreated = info.created;
    const restored = await this.opts.snapshots?.load(this.opts.createLedger(), info.created, info.state.last_seq);
    const ledger = restored ?? this.opts.createLedger();
    let events = 0;
    ledger.lastSeq = await replayLog(this.js, this.jsm, (batch, seq) => {
      ledger.epoch = Math.max(ledger.epoch, batch.epoch);
      for (const r of batch.records) {
        evolveRecord(ledger, r, seq);
        events += r.events.length;
      }
    }, { fromSeq: ledger.lastSeq + 1 });
    this.ledgerRef = ledger;
    this.eventsSinceSnapshot = events;
    this.opts.log(`writer: ${restored ? `snapshot at seq ${restored.lastSeq} + ` : ''}replayed ${events} events ` +
      `to seq ${ledger.lastSeq} in ${Date.now() - started} ms`);
  }

  /** Between batches, so the snapshot is a consistent cut of the log. */
  private async maybeSnapshot(events: number): Promise<void> {
    this.eventsSinceSnapshot += events;
    const store = this.opts.snapshots;
    if (!store || this.opts.snapshotEveryEvents <= 0 || this.eventsSinceSnapshot < this.opts.snapshotEveryEvents) return;
    this.eventsSinceSnapshot = 0;
    try {
      const t = Date.now();
      const { seq, bytes } = await store.save(this.ledgerRef, this.logCreated);
      this.opts.log(`writer: snapshot at seq ${seq} (${bytes} bytes) in ${Date.now() - t} ms`);
    } catch (err) {
      this.opts.log(`writer: snapshot failed: ${String(err)}`);
    }
  }

  /** One WriterStarted append, fenced on the replayed end: from here on, an older writer is locked out. */
  private async claimEpoch(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const ledger = this.ledgerRef;
      const epoch = ledger.epoch + 1;
      const record: CommandRecord = {
        commandId: `writer-epoch-${epoch}`, requestId: '', at: new Date().toISOString(),
        events: [{ type: 'WriterStarted', epoch }],
      };
      try {
        const seq = await appendBatch(this.js, { v: 1, epoch, records: [record] }, {
          expectedLastSeq: ledger.lastSeq, msgId: `epoch-${epoch}-${ledger.lastSeq}`,
          timeoutMs: this.opts.appendTimeoutMs,
        });
        evolveRecord(ledger, record, seq);
        ledger.lastSeq = seq;
        this.opts.log(`writer: epoch ${epoch} from seq ${seq}`);
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
    void this.drain().finally(() => {
      this.busy = false;
      for (const r of this.idle.splice(0)) r();
      if (this.queue.length > 0 && !this.stopped) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      const batch = this.queue.splice(0, this.opts.batchCommandsMax);
      try {
        await this.processBatch(batch);
      } catch (err) {
        this.opts.log(`writer: batch failed: ${String(err)}`);
      }
    }
  }

  private async processBatch(msgs: JsMsg[]): Promise<void> {
    if (this.fencedError) {
      for (const m of msgs) this.answer(m, unavailable('writer fenced by another writer'));
      return;
    }
    const ledger = this.ledgerRef;
    const at = new Date().toISOString();
    const now = Date.now();
    const pending: Pending[] = [];
    const records: CommandRecord[] = [];
    let bytes = 0;
    let i = 0;
    for (; i < msgs.length; i++) {
      const msg = msgs[i]!;
      const p: Pending = { msg };
      const h = msg.headers;
      const deadline = Number(h?.get(Header.Deadline) || 0);
      const commandId = h?.get(Header.CommandId) || '';
      if (deadline > 0 && deadline < now) {
        p.result = unavailable('command expired before the writer reached it');
      } else if (!commandId) {
        p.result = { ok: false, rejection: reject('BadRequest', 'command has no Placement-Command-Id header') };
      } else {
        const parsed = parseCommand(safeJson(msg.data));
        if (!parsed.ok) {
          p.result = { ok: false, rejection: reject('BadRequest', parsed.detail) };
        } else {
          const applied = applyCommand(ledger, parsed.command as Command, {
            commandId, requestId: h?.get(Header.RequestId) || '', at,
          });
          if (applied.kind === 'rejected') p.result = { ok: false, rejection: applied.rejection };
          else if (applied.kind === 'duplicate') {
            if (applied.seq > 0) p.result = { ok: true, seq: applied.seq, events: applied.record.events, duplicate: true };
            else p.deferredFrom = commandId; // twin of a command earlier in this batch
          } else {
            remember(ledger, commandId, 0, applied.record.events);
            records.push(applied.record);
            bytes += JSON.stringify(applied.record).length;
          }
        }
      }
      pending.push(p);
      if (bytes >= this.opts.batchBytesMax) {
        i++;
        break;
      }
    }
    // Whatever did not fit waits for the next batch, in order.
    if (i < msgs.length) this.queue.unshift(...msgs.slice(i));

    let seq = 0;
    if (records.length > 0) {
      try {
        seq = await this.append({ v: 1, epoch: ledger.epoch, records });
      } catch (err) {
        const why = err instanceof FencedError ? 'writer fenced by another writer' : 'event log unavailable';
        for (const p of pending) this.answer(p.msg, p.result && !p.result.ok ? p.result : unavailable(why));
        if (err instanceof FencedError) {
          this.fencedError = err;
          this.stopped = true;
          this.messages?.stop();
          this.onFenced?.(err);
        } else {
          await this.rebuildUntilOk();
        }
        return;
      }
      ledger.lastSeq = seq;
      for (const r of records) remember(ledger, r.commandId, seq, r.events);
      await this.opts.afterAppend?.(seq);
      try {
        publishFeed(this.nc, records, seq);
      } catch (err) {
        this.opts.log(`writer: change feed: ${String(err)}`);
      }
    }
    for (const p of pending) {
      if (p.result) this.answer(p.msg, p.result);
      else {
        const done = ledger.appliedCommands.get(p.deferredFrom ?? commandIdOf(p.msg));
        this.answer(p.msg, done ? { ok: true, seq: done.seq, events: done.events, duplicate: p.deferredFrom !== undefined || undefined }
          : unavailable('lost track of command'));
      }
    }
    await this.maybeSnapshot(records.reduce((n, r) => n + r.events.length, 0));
  }

  private async append(batch: LogBatch): Promise<number> {
    const ledger = this.ledgerRef;
    const msgId = `e${batch.epoch}-s${ledger.lastSeq}`;
    let lastErr: unknown;
    for (let attempt = 0; attempt < this.opts.appendAttemptsMax; attempt++) {
      try {
        return await appendBatch(this.js, batch, {
          expectedLastSeq: ledger.lastSeq, msgId, timeoutMs: this.opts.appendTimeoutMs,
        });
      } catch (err) {
        if (err instanceof FencedError) throw err;
        lastErr = err;
        await sleep(Math.min(250 * 2 ** attempt, 2000));
      }
    }
    throw lastErr;
  }

  private async rebuildUntilOk(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.rebuild();
        await this.claimEpoch();
        return;
      } catch (err) {
        this.opts.log(`writer: rebuild failed (${String(err)}), retrying`);
        await sleep(Math.min(250 * 2 ** attempt, 5000));
      }
    }
  }

  private answer(msg: JsMsg, result: CommandResult): void {
    const replyTo = msg.headers?.get(Header.ReplyTo);
    try {
      if (replyTo) {
        const h = natsHeaders();
        h.set(Header.CommandId, commandIdOf(msg));
        this.nc.publish(replyTo, encoder.encode(JSON.stringify(toReply(result))), { headers: h });
      }
      msg.ack();
    } catch (err) {
      this.opts.log(`writer: could not answer: ${String(err)}`);
    }
  }
}

const commandIdOf = (m: JsMsg): string => m.headers?.get(Header.CommandId) || '';

const unavailable = (detail: string): CommandResult => ({ ok: false, rejection: reject('Unavailable', detail) });

function safeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(data));
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
