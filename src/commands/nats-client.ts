/**
 * @module commands/nats-client
 * The fronts' Writer: publish a command to the PLACEMENT_CMD stream and
 * wait for the writer's reply on a private inbox. No reply in time means
 * the outcome is unknown to us: 503, never a guess.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { nuid } from '@nats-io/transport-node';
import type { Command } from '../domain/commands.ts';
import type { CommandResult, SubmitMeta, Writer } from './writer-port.ts';
import { BATCH_SUBJECT, type BatchedCommand, type Reply } from './envelope.ts';
import { reject } from '../domain/rejections.ts';
import { onReconnect, type Watch } from '../nats/reconnects.ts';

export interface NatsCommandClientOptions {
  /** How long a command may wait for the writer, queue included. */
  readonly replyTimeoutMs?: number;
}

/** A batch message's size bound, well under the server's max_payload (8 MB). */
const BATCH_BYTES_MAX = 1024 * 1024;

/** When, after a reconnect, waiting commands are sent again (the writer needs a moment to redeclare its stream). */
const RESEND_AFTER_RECONNECT_MS = [500, 2000, 5000];

type Outgoing = { readonly commandId: string; readonly json: string };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class NatsCommandClient implements Writer {
  private readonly inbox = `_INBOX.placement.${nuid.next()}`;
  private readonly waiting = new Map<string, { readonly done: (r: CommandResult) => void; readonly json: string }>();
  private readonly reconnects: Watch;
  private readonly sub: Subscription;
  private readonly replyTimeoutMs: number;
  private readonly outbox: Outgoing[] = [];

  constructor(private readonly nc: NatsConnection, opts: NatsCommandClientOptions = {}) {
    this.replyTimeoutMs = opts.replyTimeoutMs ?? 15_000;
    this.sub = nc.subscribe(`${this.inbox}.*`, {
      callback: (err, msg) => {
        if (err) return;
        const id = msg.subject.slice(this.inbox.length + 1);
        const done = this.waiting.get(id)?.done;
        if (!done) return; // a late or repeated reply
        try {
          const reply = JSON.parse(decoder.decode(msg.data)) as Reply;
          done(reply.ok ? reply : { ok: false, rejection: reply.rejection });
        } catch {
          done(unavailable('unreadable reply from the writer'));
        }
      },
    });
    this.reconnects = onReconnect(nc, () => this.resendWaiting());
  }

  async submit(command: Command, meta: SubmitMeta): Promise<CommandResult> {
    const id = meta.commandId;
    const entry: BatchedCommand = {
      commandId: id, requestId: meta.requestId, replyTo: `${this.inbox}.${id}`,
      deadline: Date.now() + this.replyTimeoutMs, command,
    };
    const json = JSON.stringify(entry);
    const result = new Promise<CommandResult>((resolve) => {
      const timer = setTimeout(() => finish(unavailable('no answer from the writer in time; outcome unknown')),
        this.replyTimeoutMs);
      const finish = (r: CommandResult) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(r);
      };
      this.waiting.set(id, { done: finish, json });
    });
    this.queue({ commandId: id, json });
    return result;
  }

  private queue(o: Outgoing): void {
    this.outbox.push(o);
    if (this.outbox.length === 1) setImmediate(this.flushOutbox);
  }

  /**
   * After a reconnect, send again what still waits for its answer. Publishes
   * made while the server was away are flushed at the reconnect, before the
   * writer has declared the in-memory PLACEMENT_CMD stream again (a restarted
   * server has lost it), and vanish. A copy that did arrive is harmless: the
   * writer answers a command id it has decided with its first outcome.
   */
  private resendWaiting(): void {
    for (const delayMs of RESEND_AFTER_RECONNECT_MS) {
      setTimeout(() => {
        for (const [commandId, w] of this.waiting) this.queue({ commandId, json: w.json });
      }, delayMs).unref();
    }
  }

  /**
   * Commands submitted during one turn of the event loop go out together, as
   * one batch message: each stream message costs nats-server a store, a
   * delivery and an ack, and costs both sides a socket write.
   */
  private readonly flushOutbox = (): void => {
    const all = this.outbox.splice(0);
    let chunk: Outgoing[] = [];
    let bytes = 0;
    const send = () => {
      if (chunk.length === 0) return;
      const sent = chunk;
      chunk = [];
      bytes = 0;
      try {
        // A plain publish into the stream (no PubAck round trip): the reply is
        // the acknowledgement that matters, and its timeout covers a lost publish.
        this.nc.publish(BATCH_SUBJECT, encoder.encode(`{"commands":[${sent.map((c) => c.json).join(',')}]}`));
      } catch {
        for (const c of sent) this.waiting.get(c.commandId)?.done(unavailable('could not queue the command'));
      }
    };
    for (const c of all) {
      // Bounded by size: a large command (a 1 MB body is ~4 MB of command) goes on its own.
      if (bytes + c.json.length > BATCH_BYTES_MAX) send();
      chunk.push(c);
      bytes += c.json.length;
    }
    send();
  };

  close(): void {
    this.sub.unsubscribe();
    this.reconnects.stop();
    for (const w of [...this.waiting.values()]) w.done(unavailable('shutting down'));
  }
}

const unavailable = (detail: string): CommandResult => ({ ok: false, rejection: reject('Unavailable', detail) });
