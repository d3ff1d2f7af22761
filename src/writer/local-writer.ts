/**
 * @module writer/local-writer
 * An in-process Writer with no log: decide and fold at once. For HTTP tests
 * and the simulation, which need the real core without NATS.
 */
import type { Ledger } from '../domain/model.ts';
import type { Command } from '../domain/commands.ts';
import type { CommandResult, SubmitMeta, Writer } from '../commands/writer-port.ts';
import { remember } from '../domain/evolve.ts';
import { applyCommand } from './apply.ts';

export class LocalWriter implements Writer {
  private seq = 0;
  constructor(private readonly ledger: Ledger, private readonly now: () => string = () => new Date().toISOString()) {}

  async submit(command: Command, meta: SubmitMeta): Promise<CommandResult> {
    const applied = applyCommand(this.ledger, command, { ...meta, at: this.now() });
    switch (applied.kind) {
      case 'rejected': return { ok: false, rejection: applied.rejection };
      case 'duplicate': return { ok: true, seq: applied.seq, events: applied.record.events, duplicate: true };
      case 'record': {
        const seq = ++this.seq;
        this.ledger.lastSeq = seq;
        // Events are already folded; remember the command for at-most-once.
        remember(this.ledger, meta.commandId, seq, applied.record.events);
        return { ok: true, seq, events: applied.record.events };
      }
    }
  }
}
