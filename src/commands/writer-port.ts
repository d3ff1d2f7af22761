/**
 * @module commands/writer-port
 * What the fronts (HTTP, NATS) need from the writer: submit a command, get
 * its outcome once its events are durable (or why it was refused).
 */
import type { Command } from '../domain/commands.ts';
import type { PlacementEvent } from '../domain/events.ts';
import type { Rejection } from '../domain/rejections.ts';

export type CommandResult =
  | { readonly ok: true; readonly seq: number; readonly events: readonly PlacementEvent[]; readonly duplicate?: boolean }
  | { readonly ok: false; readonly rejection: Rejection };

export interface SubmitMeta {
  readonly requestId: string;
  /** Reused on retries so a command takes effect at most once. */
  readonly commandId: string;
}

export interface Writer {
  submit(command: Command, meta: SubmitMeta): Promise<CommandResult>;
}
