/**
 * @module writer/nats-writer
 * The writer's NATS shell: takes commands from the PLACEMENT_CMD stream's
 * durable consumer, feeds them to the writer loop, sends each reply to the
 * command's `Placement-Reply-To`, acks cumulatively once a batch is settled,
 * and publishes durable events on the change feed.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg, StoredMsg } from '@nats-io/jetstream';
import type { Ledger } from '../domain/model.ts';
import type { CommandRecord } from '../domain/events.ts';
import type { CommandResult } from '../commands/writer-port.ts';
import { BATCH_SUBJECT, Header, parseBatch, toReply } from '../commands/envelope.ts';
import { JetStreamEventLog } from '../log/event-log.ts';
import type { FencedError } from '../log/append.ts';
import type { SnapshotStore } from '../log/snapshots.ts';
import { CMD_STREAM, CMD_SUBJECT_PREFIX, ensureStreams, WRITER_CONSUMER } from '../log/streams.ts';
import { publishFeed } from './feed.ts';
import { onReconnect, type Watch } from '../nats/reconnects.ts';
import { WriterLoop, type Inbound, type LoopOptions } from './writer-loop.ts';

export interface WriterOptions extends Omit<LoopOptions, 'loadSnapshot' | 'saveSnapshot'> {
  readonly snapshots?: SnapshotStore;
  /** Test hook: called after a batch is durable and before anyone hears of it. */
  readonly afterAppend?: (seq: number) => void | Promise<void>;
}

interface NatsInbound extends Inbound {
  /** undefined: read from the stream, left by an earlier writer (settled by the next cumulative ack). */
  readonly msg: JsMsg | undefined;
  readonly replyTo: string | undefined;
}

/**
 * Replies go to inboxes only. A reply is published with the writer's rights: to a subject such as
 * placement.log or $JS.API.STREAM.PURGE.… it would have the writer append to or purge the log.
 */
const INBOX = /^_INBOX\.[^\s*>]+$/;

/** Where to reply, or why the command is refused as it arrived (its envelope, not its body). */
function envelope(replyTo: string | undefined, deadline: number, subjectType?: string, body?: unknown):
  { replyTo?: string; refusal?: string } {
  const show = (s: string) => JSON.stringify(s.slice(0, 200));
  const to = replyTo && INBOX.test(replyTo) ? { replyTo } : {};
  if (replyTo && !to.replyTo) return { refusal: `reply subject ${show(replyTo)} is not an inbox (_INBOX.…)` };
  if (!Number.isSafeInteger(deadline) || deadline < 0) {
    return { ...to, refusal: 'Placement-Deadline must be a time in ms since the epoch' };
  }
  const type = (body as { type?: unknown } | null | undefined)?.type;
  if (subjectType !== undefined && typeof type === 'string' && type !== subjectType) {
    return { ...to, refusal: `a ${show(type)} command sent on the subject of ${show(subjectType)}` };
  }
  return to;
}

/** Acks of settled commands wait at most this long, to go together (ack_wait is 30 s). */
const ACK_EVERY_MS = 20;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class NatsWriter {
  private readonly loop: WriterLoop<NatsInbound>;
  private messages: ConsumerMessages | undefined;
  private fencedCallback: ((e: FencedError) => void) | undefined;
  private readonly eventLog: JetStreamEventLog;
  private reconnects: Watch | undefined;
  private stopping = false;
  private unacked: JsMsg | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private ackNow = false;

  constructor(private readonly nc: NatsConnection, private readonly js: JetStreamClient, private readonly jsm: JetStreamManager,
    private readonly options: WriterOptions) {
    const snapshots = options.snapshots;
    this.eventLog = new JetStreamEventLog(js, jsm, undefined, nc);
    this.loop = new WriterLoop(this.eventLog, {
      reply: (input, result) => this.reply(input, result),
      settled: (inputs) => this.ack(inputs),
      durable: (records, seq) => this.durable(records, seq),
    }, {
      ...options,
      ...(snapshots ? {
        loadSnapshot: (fresh: Ledger, created: string, last: number) => snapshots.load(fresh, created, last),
        saveSnapshot: async (ledger: Ledger, created: string) => { await snapshots.save(ledger, created); },
      } : {}),
    });
    // Fenced: stop taking commands at once, whoever listens.
    this.loop.onFenced = (e) => {
      this.messages?.stop();
      this.fencedCallback?.(e);
    };
  }

  /** The ledger reads are served from (replaced wholesale after a rebuild). */
  ledger(): Ledger { return this.loop.ledger(); }
  /** See WriterLoop.rebuilding. */
  get rebuilding(): boolean { return this.loop.rebuilding; }
  get fenced(): boolean { return this.loop.fenced; }

  whenFenced(cb: (e: FencedError) => void): void {
    this.fencedCallback = cb;
  }

  /** Rebuild from the log, claim the next epoch, then take commands. */
  async start(): Promise<void> {
    await this.loop.start();
    await this.takeOverLeftovers();
    await this.consume();
    this.reconnects = onReconnect(this.nc, () => this.redeclareIfGone());
  }

  /**
   * Commands delivered to an earlier writer that died before settling them
   * lie between the consumer's ack floor and its last delivery; this writer's
   * first cumulative ack would settle them unanswered. Take them first.
   */
  private async takeOverLeftovers(): Promise<void> {
    const info = await this.jsm.consumers.info(CMD_STREAM, WRITER_CONSUMER);
    let taken = 0;
    for (let seq = info.ack_floor.stream_seq + 1; seq <= info.delivered.stream_seq; seq++) {
      const m = await this.jsm.streams.getMessage(CMD_STREAM, { seq }).catch(() => null);
      if (!m) continue; // acked, or past max_age
      for (const i of inbound(m, undefined)) this.loop.enqueue(i);
      taken++;
    }
    if (taken > 0) this.options.log?.(`writer: took ${taken} commands left unsettled by an earlier writer`);
  }

  private async consume(): Promise<void> {
    const consumer = await this.js.consumers.get(CMD_STREAM, WRITER_CONSUMER);
    this.messages = await consumer.consume({ max_messages: 1024 });
    const messages = this.messages;
    void (async () => {
      for await (const msg of messages) for (const i of inbound(msg, msg)) this.loop.enqueue(i);
    })().catch((err) => this.options.log?.(`writer: consumer ended: ${String(err)}`));
  }

  /**
   * PLACEMENT_CMD is in memory: a restarted nats-server comes back without it
   * and its consumer, so commands would vanish and the consumer would retry
   * only every 30 s. After each reconnect, declare them again if they are gone
   * and take commands on a fresh consumer.
   */
  private async redeclareIfGone(): Promise<void> {
    for (let attempt = 0; !this.stopping && !this.loop.fenced; attempt++) {
      try {
        const gone = await this.jsm.consumers.info(CMD_STREAM, WRITER_CONSUMER).then(() => false, (err: unknown) => {
          if (/(stream|consumer) not found/.test(String(err))) return true;
          throw err;
        });
        if (gone) {
          this.options.log?.(`writer: ${CMD_STREAM} or its consumer is gone after a reconnect; declaring them again`);
          await ensureStreams(this.jsm);
          this.messages?.stop();
          await this.consume();
        }
        return;
      } catch (err) {
        this.options.log?.(`writer: after reconnect: ${String(err)}; retrying`);
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 2000)));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.reconnects?.stop();
    this.eventLog.close();
    this.messages?.stop();
    await this.loop.stop();
    this.flushAck();
  }

  private reply(input: NatsInbound, result: CommandResult): void {
    // Given up (503: fenced, log unavailable, expired): settle it now, so no later writer takes it
    // over and applies what its sender was told may not have happened.
    if (!result.ok && result.rejection.kind === 'Unavailable') this.ackNow = true;
    if (!input.replyTo) return;
    try {
      const h = natsHeaders();
      h.set(Header.CommandId, input.commandId);
      this.nc.publish(input.replyTo, encoder.encode(JSON.stringify(toReply(result))), { headers: h });
    } catch (err) {
      this.options.log?.(`writer: could not answer: ${String(err)}`);
    }
  }

  /**
   * The consumer acks cumulatively ("all"): one ack settles every command up
   * to the last. Each ack is work for nats-server (consumer state, and the
   * interest-retained stream drops what it settles), so settled commands are
   * acked together at most every ACK_EVERY_MS: one settled but not yet acked
   * when the writer dies is redelivered and answered from the log's record of
   * its outcome (applied or refused alike). A command given up with a 503 is
   * acked at once.
   */
  private ack(inputs: readonly NatsInbound[]): void {
    for (let i = inputs.length - 1; i >= 0; i--) {
      const msg = inputs[i]!.msg;
      if (msg) {
        this.unacked = msg;
        break;
      }
    }
    if (this.ackNow) this.flushAck();
    else if (this.unacked && !this.ackTimer) this.ackTimer = setTimeout(() => this.flushAck(), ACK_EVERY_MS);
  }

  private flushAck(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    this.ackNow = false;
    const msg = this.unacked;
    this.unacked = undefined;
    try {
      msg?.ack();
    } catch (err) {
      this.options.log?.(`writer: could not ack: ${String(err)}`);
    }
  }

  private durable(records: readonly CommandRecord[], seq: number): void | Promise<void> {
    const hook = this.options.afterAppend?.(seq);
    if (hook) return hook.then(() => this.publishFeed(records, seq));
    this.publishFeed(records, seq);
  }

  private publishFeed(records: readonly CommandRecord[], seq: number): void {
    try {
      publishFeed(this.nc, records, seq);
    } catch (err) {
      this.options.log?.(`writer: change feed: ${String(err)}`);
    }
  }
}

/**
 * The commands of one stream message: a single command (its headers carry
 * the envelope) or a batch (BATCH_SUBJECT). Only the last command of a
 * message carries it for the ack: the cumulative ack must not settle a
 * message whose later commands are still undecided.
 */
function inbound(m: JsMsg | StoredMsg, msg: JsMsg | undefined): NatsInbound[] {
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(m.data));
  } catch {
    body = undefined;
  }
  if (m.subject === BATCH_SUBJECT) {
    const batch = parseBatch(body);
    // Unreadable: one command with no id, refused (no one to answer) and settled like any other.
    if (!batch || batch.length === 0) return [{ msg, commandId: '', requestId: '', deadline: 0, replyTo: undefined, body: undefined }];
    const bytes = Math.ceil(m.data.length / batch.length); // each entry's share, near enough for the bound
    return batch.map((c, i) => ({
      msg: i === batch.length - 1 ? msg : undefined,
      commandId: c.commandId, requestId: c.requestId ?? '', deadline: c.deadline ?? 0, replyTo: undefined, body: c.command, bytes,
      ...envelope(c.replyTo, c.deadline ?? 0),
    }));
  }
  const h = 'header' in m ? m.header : m.headers;
  const deadline = Number(h?.get(Header.Deadline) || 0);
  return [{
    msg,
    commandId: h?.get(Header.CommandId) ?? '',
    requestId: h?.get(Header.RequestId) ?? '',
    deadline,
    replyTo: undefined,
    body,
    bytes: m.data.length,
    ...envelope(h?.get(Header.ReplyTo) || undefined, deadline, m.subject.slice(CMD_SUBJECT_PREFIX.length + 1), body),
  }];
}
