/**
 * @module testing/sim-checker
 * The simulation's independent judge. It sees only what an outsider could:
 * the stored log (bytes, decoded afresh), the commands clients sent and the
 * replies they got, and a writer's ledger when that writer is idle. From
 * these it checks, as things happen:
 * - every stored event, folded in order into its own ledger, passes
 *   `violation` (no oversubscription, generations only move forward, ...);
 * - no batch of an older writer lands after a newer writer's epoch claim;
 * - no command id is recorded twice (each command applied at most once);
 * - a ReplaceAllocations is recorded whole (every consumer, every provider,
 *   in one record) or not at all;
 * - a reply that said ok names a stored batch holding that command with the
 *   very events replied (acknowledged = durable), and every ok reply for a
 *   command names the same sequence;
 * - a writer that has not been superseded never refuses a command that is
 *   already in the log, and no writer applies a command it refused;
 * - an idle writer's ledger equals the replay of the log (and the replay's
 *   usages equal the sum of its allocations).
 * Failures are collected, never thrown: a throw inside a writer callback
 * would be swallowed by the loop.
 */
import type { Command, ReplaceAllocations } from '../domain/commands.ts';
import type { PlacementEvent } from '../domain/events.ts';
import type { Ledger } from '../domain/model.ts';
import type { CommandResult } from '../commands/writer-port.ts';
import { evolve, tally } from '../domain/evolve.ts';
import { createLedger } from '../domain/state.ts';
import { violation } from '../domain/invariants.ts';
import { ledgerState } from '../domain/snapshot.ts';
import type { SimLog, StoredEntry } from './sim-log.ts';

export interface Replier {
  readonly name: string;
  /** The replying writer's epoch, for telling a superseded writer's answers apart. */
  readonly epoch: number;
}

export class SimChecker {
  readonly failures: string[] = [];
  /** The log as the checker folded it. */
  readonly ledger: Ledger;
  /** Highest epoch claimed in the log so far. */
  maxEpoch = 0;
  /** Refusals of logged commands by writers that had been superseded (allowed: they are fenced at their next append). */
  staleRefusals = 0;
  /** Refusals found in the log (a refusal is logged before it is answered). */
  refusalsLogged = 0;
  compares = 0;
  private readonly seqOf = new Map<string, number>();
  private readonly ackedSeq = new Map<string, number>();
  private readonly allocations = new Map<string, ReplaceAllocations>();
  private readonly refusedBy = new Map<string, string>();
  private readonly refusedInLog = new Set<string>();
  private stateCache: { seq: number; json: string } | undefined;

  constructor(private readonly log: SimLog, fresh: Ledger) {
    this.ledger = fresh;
    log.onStored = (e) => this.stored(e);
  }

  fail(why: string): void { this.failures.push(why); }

  /** A client sent this command (the checker keeps what it needs to judge the record later). */
  sent(commandId: string, body: unknown): void {
    const c = body as Command | undefined;
    if (c && c.type === 'ReplaceAllocations' && Array.isArray(c.consumers) && c.consumers.length > 0) {
      this.allocations.set(commandId, c);
    }
  }

  seqOfCommand(commandId: string): number | undefined { return this.seqOf.get(commandId); }

  private stored(entry: StoredEntry): void {
    const { batch, seq } = entry;
    if (batch.epoch < this.maxEpoch) {
      this.fail(`seq ${seq} (${entry.by}): a batch of epoch ${batch.epoch} landed after epoch ${this.maxEpoch} was claimed`);
    }
    for (const r of batch.records) {
      const before = this.seqOf.get(r.commandId);
      if (before !== undefined) this.fail(`command ${r.commandId} decided twice: seq ${before} and seq ${seq}`);
      this.seqOf.set(r.commandId, seq);
      if (r.refused) {
        if (r.events.length > 0) this.fail(`seq ${seq}: refused command ${r.commandId} carries events`);
        this.refusedInLog.add(r.commandId);
        this.refusalsLogged++;
        continue;
      }
      const refuser = this.refusedBy.get(r.commandId);
      if (refuser !== undefined) this.fail(`${refuser} refused ${r.commandId}, then ${entry.by} applied it at seq ${seq}`);
      const cmd = this.allocations.get(r.commandId);
      if (cmd) {
        const partial = partialAllocation(cmd, r.events);
        if (partial) this.fail(`seq ${seq}: ReplaceAllocations ${r.commandId} not recorded whole: ${partial}`);
      }
      for (const e of r.events) {
        const v = violation(this.ledger, e);
        if (v) this.fail(`seq ${seq} command ${r.commandId}: invariant broken: ${v}`);
        try {
          evolve(this.ledger, e, r.at);
        } catch (err) {
          this.fail(`seq ${seq} command ${r.commandId}: replay failed: ${String(err)}`);
        }
        if (e.type === 'WriterStarted') this.maxEpoch = Math.max(this.maxEpoch, e.epoch);
      }
    }
    this.maxEpoch = Math.max(this.maxEpoch, batch.epoch);
    this.ledger.lastSeq = seq;
    this.ledger.epoch = this.maxEpoch;
  }

  /** A writer answered a command. */
  replied(who: Replier, commandId: string, result: CommandResult): void {
    if (result.ok) {
      const entry = this.log.entry(result.seq);
      const record = entry?.batch.records.find((r) => r.commandId === commandId);
      if (!record) {
        this.fail(`acknowledged but not durable: ${who.name} answered ok for ${commandId} at seq ${result.seq}, ` +
          `but ${entry ? `seq ${result.seq} does not hold it` : `the log ends at ${this.log.lastSeq}`}` +
          ` (it is ${this.seqOf.has(commandId) ? `at seq ${this.seqOf.get(commandId)}` : 'not in the log'})`);
        return;
      }
      if (JSON.stringify(record.events) !== JSON.stringify(result.events)) {
        this.fail(`${who.name} answered ${commandId} with events other than those stored at seq ${result.seq}`);
      }
      const first = this.ackedSeq.get(commandId);
      if (first === undefined) this.ackedSeq.set(commandId, result.seq);
      else if (first !== result.seq) this.fail(`${commandId} acknowledged at seq ${first} and again at seq ${result.seq}`);
      return;
    }
    if (result.rejection.kind === 'Unavailable') return;
    if (commandId) this.refusedBy.set(commandId, who.name);
    const seq = this.seqOf.get(commandId);
    // Only an invalid command (always the same answer) is refused without a record.
    if (seq === undefined) {
      if (result.rejection.kind !== 'BadRequest') {
        this.fail(`acknowledged but not durable: ${who.name} refused ${commandId} (${result.rejection.kind}), ` +
          'and the log holds no record of the refusal');
      }
      return;
    }
    if (this.refusedInLog.has(commandId)) return;
    if (who.epoch < this.maxEpoch) {
      this.staleRefusals++;
      return;
    }
    this.fail(`${who.name} (epoch ${who.epoch}, current) refused ${commandId} (${result.rejection.kind}: ` +
      `${result.rejection.detail}) although the log holds it at seq ${seq}`);
  }

  /** An idle writer's ledger against the replay; false if not comparable (it is behind the log). */
  compare(name: string, live: Ledger): boolean {
    if (live.lastSeq < this.log.lastSeq) return false;
    if (live.lastSeq > this.log.lastSeq) {
      this.fail(`${name} is idle at seq ${live.lastSeq} but the log ends at ${this.log.lastSeq}`);
      return true;
    }
    this.compares++;
    if (this.stateCache?.seq !== this.log.lastSeq) {
      this.stateCache = { seq: this.log.lastSeq, json: JSON.stringify(ledgerState(this.ledger)) };
      const bad = usageMismatch(this.ledger);
      if (bad) this.fail(`replay at seq ${this.log.lastSeq}: ${bad}`);
    }
    const mine = JSON.stringify(ledgerState(live));
    if (mine !== this.stateCache.json) {
      this.fail(`${name}'s live ledger differs from the replay of the log at seq ${live.lastSeq}: ` +
        firstDifference(mine, this.stateCache.json));
    }
    if (live.epoch !== this.maxEpoch) this.fail(`${name} is at epoch ${live.epoch}, the log at ${this.maxEpoch}`);
    return true;
  }
}

/** Is the record exactly the whole command: one event, every consumer, every non-zero amount on every provider? */
function partialAllocation(cmd: ReplaceAllocations, events: readonly PlacementEvent[]): string | null {
  const e = events[0];
  if (events.length !== 1 || e?.type !== 'AllocationsReplaced') return `recorded as [${events.map((x) => x.type).join(', ')}]`;
  if (e.consumers.length !== cmd.consumers.length) return `${e.consumers.length} of ${cmd.consumers.length} consumers`;
  for (const c of cmd.consumers) {
    const got = e.consumers.find((x) => x.uuid === c.consumerUuid);
    if (!got) return `consumer ${c.consumerUuid} missing`;
    const want: Record<string, Record<string, number>> = {};
    for (const [rp, res] of Object.entries(c.allocations)) {
      const kept = Object.entries(res).filter(([, n]) => n > 0);
      if (kept.length > 0) want[rp] = Object.fromEntries(kept);
    }
    if (canonical(got.allocations) !== canonical(want)) {
      return `consumer ${c.consumerUuid}: recorded ${canonical(got.allocations)}, asked ${canonical(want)}`;
    }
  }
  return null;
}

const canonical = (a: Record<string, Record<string, number>>): string =>
  JSON.stringify(Object.keys(a).sort().map((rp) => [rp, Object.keys(a[rp]!).sort().map((rc) => [rc, a[rp]![rc]])]));

/** Usages must be the sum of allocations, and providers and consumers must agree on them. */
function usageMismatch(l: Ledger): string | null {
  for (const rp of l.providers.values()) {
    const sum = new Map<string, number>();
    for (const [consumer, res] of rp.allocations) {
      if (l.consumers.get(consumer)?.allocations.get(rp.uuid) !== res) {
        return `provider ${rp.uuid} and consumer ${consumer} disagree on its allocation`;
      }
      for (const [rc, n] of res) sum.set(rc, (sum.get(rc) ?? 0) + n);
    }
    for (const rc of new Set([...sum.keys(), ...rp.usages.keys()])) {
      if ((sum.get(rc) ?? 0) !== (rp.usages.get(rc) ?? 0)) {
        return `provider ${rp.uuid} ${rc}: usage ${rp.usages.get(rc) ?? 0}, allocations sum to ${sum.get(rc) ?? 0}`;
      }
    }
  }
  for (const c of l.consumers.values()) {
    for (const rp of c.allocations.keys()) {
      if (!l.providers.get(rp)?.allocations.has(c.uuid)) return `consumer ${c.uuid} allocated on ${rp}, unknown to it`;
    }
  }
  // The per-project sums /usages reads must be what the consumers hold.
  const recount = createLedger({ resourceClasses: [], traits: [] });
  for (const c of l.consumers.values()) tally(recount, c, 1);
  const sums = (x: Ledger) => JSON.stringify((ledgerState(x) as { projectUsages: unknown }).projectUsages);
  if (sums(recount) !== sums(l)) return `project usages ${sums(l)}, consumers hold ${sums(recount)}`;
  return null;
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `live …${a.slice(Math.max(0, i - 80), i + 80)}… replay …${b.slice(Math.max(0, i - 80), i + 80)}…`;
}
