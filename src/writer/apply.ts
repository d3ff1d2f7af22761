/**
 * @module writer/apply
 * Decide one command against the live ledger and fold its events in at once,
 * so the next command of the same batch sees them. The caller makes the
 * batch durable before answering, and rebuilds the ledger if that fails.
 */
import type { Ledger } from '../domain/model.ts';
import type { Command, CommandContext } from '../domain/commands.ts';
import type { CommandRecord } from '../domain/events.ts';
import type { Rejection } from '../domain/rejections.ts';
import { decide } from '../domain/decide.ts';
import { evolve } from '../domain/evolve.ts';
import { reject } from '../domain/rejections.ts';

export type Applied =
  /** bytes: its events as JSON (bounds a batch's stored message). */
  | { readonly kind: 'record'; readonly record: CommandRecord; readonly bytes: number }
  | { readonly kind: 'rejected'; readonly rejection: Rejection }
  | { readonly kind: 'duplicate'; readonly seq: number; readonly record: CommandRecord };

/** `eventBytesMax`: a command whose events alone are larger (as JSON) is refused, not applied: no stored batch could hold them. */
export function applyCommand(ledger: Ledger, cmd: Command, ctx: CommandContext, eventBytesMax = Infinity): Applied {
  const before = ledger.appliedCommands.get(ctx.commandId);
  if (before) {
    return { kind: 'duplicate', seq: before.seq, record: { ...ctx, events: before.events } };
  }
  const decision = decide(ledger, cmd);
  if (decision.rejection) return { kind: 'rejected', rejection: decision.rejection };
  const bytes = decision.events.length > 0 ? JSON.stringify(decision.events).length : 0;
  if (bytes > eventBytesMax) {
    return { kind: 'rejected', rejection: reject('BadRequest',
      `the command's events would take ${bytes} bytes, more than a stored batch holds (${eventBytesMax})`) };
  }
  for (const e of decision.events) evolve(ledger, e, ctx.at);
  return { kind: 'record', record: { ...ctx, events: decision.events }, bytes };
}
