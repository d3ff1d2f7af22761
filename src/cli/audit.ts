/**
 * @module cli/audit
 * `npm run audit -- <command>`: reads the event log, never the service.
 *
 *   history --provider UUID | --consumer UUID [--json]   every event that touched it
 *   state [--at SEQ|ISO-TIME] [--diff]                   the ledger as of then (or its diff to now)
 *   verify                                               replay all, check invariants at every step
 *   follow [--provider UUID | --consumer UUID] [--json]  tail new events
 *
 * NATS_URL selects a server; otherwise DATA_DIR's embedded one (see cli/connect.ts).
 */
import { jetstream, jetstreamManager, DeliverPolicy } from '@nats-io/jetstream';
import type { CommandRecord, PlacementEvent } from '../domain/events.ts';
import type { Ledger } from '../domain/model.ts';
import { createLedger } from '../domain/state.ts';
import { loadStandards } from '../data/standards.ts';
import { evolve, remember } from '../domain/evolve.ts';
import { violation } from '../domain/invariants.ts';
import { ledgerState } from '../domain/snapshot.ts';
import { replayLog } from '../log/replay.ts';
import { decodeBatch } from '../log/codec.ts';
import { LOG_STREAM } from '../log/streams.ts';
import { subjectsOf } from '../writer/feed.ts';
import { connectToLog } from './connect.ts';

interface Row { seq: number; at: string; commandId: string; requestId: string; event: PlacementEvent }

/** The value after --name; undefined when absent or when the next word is another option. */
function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? args[i + 1] : undefined;
  return v === undefined || v.startsWith('--') ? undefined : v;
}

function touches(e: PlacementEvent, provider?: string, consumer?: string): boolean {
  const subjects = subjectsOf(e);
  if (provider) return subjects.includes(`placement.evt.rp.${provider}`);
  if (consumer) return subjects.includes(`placement.evt.consumer.${consumer}`);
  return true;
}

function summary(e: PlacementEvent): string {
  const { type, ...rest } = e as PlacementEvent & Record<string, unknown>;
  return `${type} ${JSON.stringify(rest)}`.slice(0, 160);
}

function printRow(r: Row, json: boolean): void {
  if (json) console.log(JSON.stringify(r));
  else console.log(`${String(r.seq).padStart(8)}  ${r.at}  ${r.requestId.padEnd(44)}  ${r.commandId.padEnd(36)}  ${summary(r.event)}`);
}

const header = () => console.log(`${'seq'.padStart(8)}  ${'time'.padEnd(24)}  ${'request id'.padEnd(44)}  ${'command id'.padEnd(36)}  change`);

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  const json = args.includes('--json');
  const provider = option(args, 'provider');
  const consumer = option(args, 'consumer');
  if (!cmd || !['history', 'state', 'verify', 'follow'].includes(cmd)) {
    console.error('usage: audit history|state|verify|follow [options] (see src/cli/audit.ts)');
    return 2;
  }
  if (cmd === 'history' && !provider && !consumer) {
    console.error('audit history needs --provider UUID or --consumer UUID');
    return 2;
  }
  const conn = await connectToLog();
  try {
    const js = jetstream(conn.nc);
    const jsm = await jetstreamManager(conn.nc);
    const fresh = () => createLedger(loadStandards());
    if (cmd === 'history') {
      if (!json) header();
      await replayLog(js, jsm, (batch, seq) => {
        for (const r of batch.records) for (const event of r.events) {
          if (touches(event, provider, consumer)) printRow({ seq, at: r.at, commandId: r.commandId, requestId: r.requestId, event }, json);
        }
      });
      return 0;
    }
    if (cmd === 'verify') {
      const ledger = fresh();
      let events = 0;
      let bad: string | null = null;
      await replayLog(js, jsm, (batch, seq) => {
        for (const r of batch.records) {
          if (bad) return;
          bad = foldChecked(ledger, r, seq);
          events += r.events.length;
        }
      }, { onSkipped: (seq) => { bad ??= `seq ${seq}: not a batch this service writes (replay skips it; is something else publishing on the log's subject?)`; } });
      if (bad) {
        console.error(`verify: FAILED: ${bad}`);
        return 1;
      }
      console.log(`verify: ok: ${events} events to seq ${ledger.lastSeq}; ${ledger.providers.size} providers, ` +
        `${ledger.consumers.size} consumers; no class over capacity, generations increasing, no dangling allocation`);
      return 0;
    }
    if (cmd === 'state') {
      const at = option(args, 'at');
      if (args.includes('--at') && !at) {
        console.error('--at needs a sequence number or an ISO time');
        return 2;
      }
      const atSeq = at && /^\d+$/.test(at) ? Number(at) : undefined;
      const atTime = at && atSeq === undefined ? new Date(at) : undefined;
      // Only ISO times: Date also reads "-1", "1.5" or "+5" as some year.
      if (atTime && (Number.isNaN(atTime.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(at!))) {
        console.error(`--at must be a sequence number or an ISO time, got ${at}`);
        return 2;
      }
      const end = (await jsm.streams.info(LOG_STREAM)).state.last_seq;
      if (atSeq !== undefined && atSeq > end) {
        console.error(`--at ${atSeq} is past the end of the log (last sequence ${end})`);
        return 2;
      }
      const then = fresh();
      const now = fresh();
      await replayLog(js, jsm, (batch, seq) => {
        for (const r of batch.records) {
          const inPast = atSeq !== undefined ? seq <= atSeq : atTime ? new Date(r.at) <= atTime : true;
          if (inPast) fold(then, r, seq);
          if (args.includes('--diff')) fold(now, r, seq);
        }
      });
      if (!args.includes('--diff')) {
        console.log(JSON.stringify(ledgerState(then), null, 2));
        return 0;
      }
      for (const line of diff(flatten(ledgerState(then)), flatten(ledgerState(now)))) console.log(line);
      return 0;
    }
    // follow: from the current end, forever (until interrupted).
    const info = await jsm.streams.info(LOG_STREAM);
    const oc = await js.consumers.get(LOG_STREAM, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: info.state.last_seq + 1 });
    const messages = await oc.consume();
    process.once('SIGINT', () => messages.stop());
    if (!json) header();
    for await (const m of messages) {
      const batch = decodeBatch(m.data);
      for (const r of batch?.records ?? []) for (const event of r.events) {
        if (touches(event, provider, consumer)) printRow({ seq: m.seq, at: r.at, commandId: r.commandId, requestId: r.requestId, event }, json);
      }
    }
    return 0;
  } finally {
    await conn.close();
  }
}

function fold(ledger: Ledger, r: CommandRecord, seq: number): void {
  for (const e of r.events) evolve(ledger, e, r.at);
  remember(ledger, r.commandId, seq, r.events, r.refused);
  ledger.lastSeq = seq;
}

/** Folds a record, checking every event first; returns the first violation. */
export function foldChecked(ledger: Ledger, r: CommandRecord, seq: number): string | null {
  for (const e of r.events) {
    const v = violation(ledger, e);
    if (v) return `seq ${seq}, command ${r.commandId} (${r.at}): ${v}`;
    evolve(ledger, e, r.at);
  }
  remember(ledger, r.commandId, seq, r.events, r.refused);
  ledger.lastSeq = seq;
  return null;
}

function flatten(v: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (v !== null && typeof v === 'object') {
    // Array items by their uuid, or by themselves when they are names (traits, aggregates), else by index.
    const entries = Array.isArray(v)
      ? v.map((x, i) => (typeof x === 'string' ? [x, true] as const : [String((x as { uuid?: string })?.uuid ?? i), x] as const))
      : Object.entries(v);
    for (const [k, x] of entries) flatten(x, path ? `${path}.${k}` : k, out);
  } else out.set(path, JSON.stringify(v));
  return out;
}

function diff(then: Map<string, string>, now: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const [k, v] of then) if (now.get(k) !== v) lines.push(now.has(k) ? `~ ${k}: ${v} -> ${now.get(k)}` : `- ${k}: ${v}`);
  for (const [k, v] of now) if (!then.has(k)) lines.push(`+ ${k}: ${v}`);
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
    const why = err instanceof Error ? err.message : String(err);
    const hint = /stream not found/.test(why) ? ' (no PLACEMENT_LOG there: set NATS_URL or DATA_DIR to the service\'s)' : '';
    console.error(`audit: ${why}${hint}`);
    process.exit(1);
  });
}
