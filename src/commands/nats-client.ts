/**
 * @module commands/nats-client
 * The fronts' Writer: publish a command to the PLACEMENT_CMD stream and
 * wait for the writer's reply on a private inbox. No reply in time means
 * the outcome is unknown to us: 503, never a guess.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { headers as natsHeaders, nuid } from '@nats-io/transport-node';
import type { Command } from '../domain/commands.ts';
import type { CommandResult, SubmitMeta, Writer } from './writer-port.ts';
import { commandSubject, Header, type Reply } from './envelope.ts';
import { reject } from '../domain/rejections.ts';

export interface NatsCommandClientOptions {
  /** How long a command may wait for the writer, queue included. */
  readonly replyTimeoutMs?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class NatsCommandClient implements Writer {
  private readonly inbox = `_INBOX.placement.${nuid.next()}`;
  private readonly waiting = new Map<string, (r: CommandResult) => void>();
  private readonly sub: Subscription;
  private readonly replyTimeoutMs: number;

  constructor(private readonly nc: NatsConnection, opts: NatsCommandClientOptions = {}) {
    this.replyTimeoutMs = opts.replyTimeoutMs ?? 15_000;
    this.sub = nc.subscribe(`${this.inbox}.*`, {
      callback: (err, msg) => {
        if (err) return;
        const id = msg.subject.slice(this.inbox.length + 1);
        const done = this.waiting.get(id);
        if (!done) return; // a late or repeated reply
        try {
          const reply = JSON.parse(decoder.decode(msg.data)) as Reply;
          done(reply.ok ? reply : { ok: false, rejection: reply.rejection });
        } catch {
          done(unavailable('unreadable reply from the writer'));
        }
      },
    });
  }

  async submit(command: Command, meta: SubmitMeta): Promise<CommandResult> {
    const id = meta.commandId;
    const result = new Promise<CommandResult>((resolve) => {
      const timer = setTimeout(() => finish(unavailable('no answer from the writer in time; outcome unknown')),
        this.replyTimeoutMs);
      const finish = (r: CommandResult) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(r);
      };
      this.waiting.set(id, finish);
    });
    const h = natsHeaders();
    h.set(Header.CommandId, id);
    h.set(Header.RequestId, meta.requestId);
    h.set(Header.ReplyTo, `${this.inbox}.${id}`);
    h.set(Header.Deadline, String(Date.now() + this.replyTimeoutMs));
    try {
      // A plain publish into the stream (no PubAck round trip): the reply is
      // the acknowledgement that matters, and its timeout covers a lost publish.
      this.nc.publish(commandSubject(command.type), encoder.encode(JSON.stringify(command)), { headers: h });
    } catch {
      this.waiting.get(id)?.(unavailable('could not queue the command'));
    }
    return result;
  }

  close(): void {
    this.sub.unsubscribe();
    for (const done of [...this.waiting.values()]) done(unavailable('shutting down'));
  }
}

const unavailable = (detail: string): CommandResult => ({ ok: false, rejection: reject('Unavailable', detail) });
