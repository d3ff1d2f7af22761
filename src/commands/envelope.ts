/**
 * @module commands/envelope
 * The NATS command contract. A command is published on
 * `placement.cmd.<CommandType>` (stream PLACEMENT_CMD) with a JSON body
 * (the command) and these headers; the writer answers on the subject named
 * in `Placement-Reply-To` (a stream message has no usable reply subject).
 */
import type { CommandResult } from './writer-port.ts';
import { outcomeOf } from '../errors/outcomes.ts';
import { CMD_SUBJECT_PREFIX } from '../log/streams.ts';

export const Header = {
  /** Reused on every retry of the same command: it takes effect at most once. */
  CommandId: 'Placement-Command-Id',
  RequestId: 'Placement-Request-Id',
  ReplyTo: 'Placement-Reply-To',
  /** Milliseconds since the epoch; a command still queued after it is refused. */
  Deadline: 'Placement-Deadline',
} as const;

export const commandSubject = (type: string): string => `${CMD_SUBJECT_PREFIX}.${type}`;

/**
 * Several commands in one stream message (lower case: never a command type).
 * Each JetStream message costs the server a store, a delivery and an ack, so
 * a front sends what it gathered in one turn of its event loop as one.
 */
export const BATCH_SUBJECT = `${CMD_SUBJECT_PREFIX}.batch`;

/** One command of a batch: the headers of a single command message, as fields. */
export interface BatchedCommand {
  readonly commandId: string;
  readonly requestId?: string;
  readonly replyTo?: string;
  readonly deadline?: number;
  readonly command: unknown;
}

/** A batch body: `{"commands": [BatchedCommand, ...]}`; null if it is not one. */
export function parseBatch(data: unknown): BatchedCommand[] | null {
  const commands = (data as { commands?: unknown } | null)?.commands;
  if (!Array.isArray(commands)) return null;
  return commands.map((c: Partial<Record<keyof BatchedCommand, unknown>> | null) => ({
    commandId: typeof c?.commandId === 'string' ? c.commandId : '',
    requestId: typeof c?.requestId === 'string' ? c.requestId : '',
    replyTo: typeof c?.replyTo === 'string' && c.replyTo !== '' ? c.replyTo : undefined,
    // Not a number: NaN, refused by the writer (a deadline it cannot read is no deadline to ignore).
    deadline: c?.deadline === undefined || c?.deadline === null ? 0 : typeof c.deadline === 'number' ? c.deadline : NaN,
    command: c?.command,
  }));
}

/** The reply body: the result, plus the HTTP status and code a rejection maps to. */
export type Reply =
  | (Extract<CommandResult, { ok: true }>)
  | (Extract<CommandResult, { ok: false }> & { readonly status: number; readonly code: string });

export function toReply(result: CommandResult): Reply {
  if (result.ok) return result;
  const o = outcomeOf(result.rejection);
  return { ...result, status: o.status, code: o.code };
}
