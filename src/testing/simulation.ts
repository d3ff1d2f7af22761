/**
 * @module testing/simulation
 * Deterministic simulation of the writer (after TigerBeetle's VOPR): one
 * seed derives everything, the fault rates included ("swarm testing"), and
 * the run drives the real core and the real WriterLoop over a SimLog and a
 * SimClock. Clients send random commands into a simulated command stream
 * (delivered late, out of order, twice; redelivered when unacknowledged),
 * retry with the same command id when the answer is unknown, and writer
 * processes crash at any point, restart, are joined by a second writer or
 * are fenced by an intruder. Every event is followed by running the
 * microtasks to quiescence, so no real timer or I/O ever decides an order;
 * after every event the SimChecker's findings are looked at, and an idle
 * writer is compared with the replay of the log. At the end faults stop and
 * the run must converge: a fresh command is answered ok and no writer holds
 * an unanswered command. A failure names the seed, which replays the very
 * same run.
 */
import { WriterLoop, type Inbound, type LoopOptions } from '../writer/writer-loop.ts';
import type { CommandResult } from '../commands/writer-port.ts';
import type { LogBatch } from '../domain/events.ts';
import type { Ledger } from '../domain/model.ts';
import { createLedger } from '../domain/state.ts';
import { loadStandards } from '../data/standards.ts';
import { dumpLedger, restoreLedger } from '../domain/snapshot.ts';
import { encodeBatch } from '../log/codec.ts';
import { Prng } from './prng.ts';
import { SimClock, type SimEvent } from './sim-clock.ts';
import { deepFreeze, SimLog, type SimLogClient, type SimLogFaults } from './sim-log.ts';
import { SimChecker } from './sim-checker.ts';
import { Workload, type WorkloadShape } from './workload.ts';

export interface SimulationOptions {
  readonly seed: number;
  /** Commands delivered to writers before faults stop and the run settles. */
  readonly ops: number;
  /** Switch on a deliberate writer bug (the simulation must catch it). */
  readonly plantedBug?: LoopOptions['plantedBug'];
  /** Compare an idle writer with the replay at most every this many steps. */
  readonly compareEverySteps?: number;
  /** Every event, for debugging one seed. */
  readonly trace?: (line: string) => void;
}

/** What a seed chose: fault rates and sizes. */
export interface Swarm {
  readonly faults: SimLogFaults;
  /** P(per command sent) of each fault. */
  readonly crashP: number;
  readonly secondWriterP: number;
  readonly intruderP: number;
  /** P(a restart boots two writers at once). */
  readonly twinStartP: number;
  readonly duplicateDeliveryP: number;
  readonly lateDeliveryP: number;
  readonly deliveryMsMean: number;
  /** Clients sending one command at a time, each thinking this long (mean) between commands. */
  readonly clients: number;
  readonly thinkMsMean: number;
  readonly ackWaitMs: number;
  readonly retryP: number;
  readonly deadlineP: number;
  readonly loop: { readonly batchCommandsMax: number; readonly inFlightMax: number; readonly appendAttemptsMax: number };
  readonly snapshotEveryEvents: number;
  readonly workload: WorkloadShape;
}

export interface SimulationReport {
  readonly seed: number;
  readonly ops: number;
  readonly steps: number;
  readonly commands: number;
  readonly simMs: number;
  readonly wallMs: number;
  /** Digest of the log and of every reply: equal for equal seeds. */
  readonly digest: string;
  readonly logSeq: number;
  readonly counters: Readonly<Record<string, number>>;
  readonly swarm: Swarm;
}

export class SimulationFailure extends Error {
  constructor(readonly seed: number, readonly step: number, readonly why: string, recent: readonly string[],
    opts: Pick<SimulationOptions, 'ops' | 'plantedBug'>) {
    super(`simulation seed ${seed} failed at step ${step}: ${why}\n` +
      `  replay it: SEED=${seed} SIM_OPS=${opts.ops}${opts.plantedBug ? ` SIM_BUG=${opts.plantedBug}` : ''} ` +
      `npx vitest run test/domain/simulation.test.ts\n` +
      `  last events:\n${recent.map((l) => `    ${l}`).join('\n')}`);
    this.name = 'SimulationFailure';
  }
}

const START_MS = Date.UTC(2026, 0, 1);
const CLIENT_TIMEOUT_MS = 15_000;
const CLIENT_ATTEMPTS_MAX = 4;
const MAX_DELIVER = 5;
const RECENT_MAX = 40;
const standards = loadStandards();

interface Req {
  /** Which client sent it (-1: the final probe). */
  readonly client: number;
  readonly commandId: string;
  readonly body: unknown;
  attempts: number;
  state: 'waiting' | 'backoff' | 'done' | 'gave-up';
  timer: SimEvent | undefined;
  result: CommandResult | undefined;
}

/** One message of the command stream. */
interface StreamMsg {
  readonly seq: number;
  readonly req: Req;
  readonly deadline: number;
  acked: boolean;
  deliveries: number;
}

interface SimInbound extends Inbound {
  readonly msg: StreamMsg;
}

interface Proc {
  readonly name: string;
  readonly client: SimLogClient;
  loop: WriterLoop<SimInbound>;
  state: 'starting' | 'ready' | 'dead';
  fenced: boolean;
  /** Delivered and not yet settled. */
  readonly unsettled: Set<SimInbound>;
  readonly timers: Set<SimEvent>;
  /** Snapshot store requests in progress. */
  open: number;
}

export function drawSwarm(rng: Prng): Swarm {
  const maybe = (p: number, v: () => number): number => (rng.chance(p) ? v() : 0);
  const timeoutMs = rng.pick([200, 1000, 5000]);
  return {
    faults: {
      appendRejected: maybe(0.7, () => rng.float() * 0.03),
      ackLost: maybe(0.7, () => rng.float() * 0.02),
      storedLate: maybe(0.5, () => rng.float() * 0.01),
      readFailed: maybe(0.5, () => rng.float() * 0.05),
      latencyMsMean: rng.pick([0.1, 0.5, 2]),
      timeoutMs,
      dedupeWindowMs: 120_000,
      landsAfterCrash: rng.float(),
    },
    crashP: maybe(0.8, () => 1 / rng.range(100, 3000)),
    secondWriterP: maybe(0.5, () => 1 / rng.range(300, 5000)),
    intruderP: maybe(0.4, () => 1 / rng.range(500, 10000)),
    twinStartP: maybe(0.5, () => rng.float() * 0.5),
    duplicateDeliveryP: maybe(0.6, () => rng.float() * 0.05),
    lateDeliveryP: maybe(0.6, () => rng.float() * 0.1),
    deliveryMsMean: rng.pick([0.05, 0.3, 1]),
    clients: rng.pick([1, 4, 16, 64]),
    thinkMsMean: rng.pick([0, 1, 10]),
    ackWaitMs: rng.pick([500, 5000, 30_000]),
    retryP: rng.pick([0.5, 0.9, 1]),
    deadlineP: rng.pick([0, 0.5, 1]),
    loop: {
      batchCommandsMax: rng.pick([1, 4, 32, 512]),
      inFlightMax: rng.pick([1, 2, 2, 4]),
      appendAttemptsMax: rng.pick([1, 2, 4]),
    },
    snapshotEveryEvents: rng.chance(0.5) ? rng.pick([50, 300, 1000]) : 0,
    workload: {
      providers: rng.range(2, 10),
      consumers: rng.range(5, 60),
      pressure: rng.float(),
    },
  };
}

export async function simulate(opts: SimulationOptions): Promise<SimulationReport> {
  return new Simulation(opts).run();
}

class Simulation {
  private readonly master: Prng;
  private readonly rng: Prng;
  private readonly swarm: Swarm;
  private readonly clock = new SimClock(START_MS);
  private readonly log: SimLog;
  private readonly checker: SimChecker;
  private readonly workload: Workload;
  private readonly procs: Proc[] = [];
  private readonly unacked = new Set<StreamMsg>();
  /** Waiting in the stream while no writer is taking commands. */
  private readonly held: StreamMsg[] = [];
  /** The last events, as [time, what], formatted only when a run fails. */
  private readonly recent: Array<[number, string]> = [];
  private recentAt = 0;
  private readonly counters: Record<string, number> = {
    commands: 0, deliveries: 0, redeliveries: 0, duplicateDeliveries: 0, replies: 0, ok: 0, refused: 0,
    unavailable: 0, retries: 0, gaveUp: 0, crashes: 0, crashesWithRequestsInFlight: 0, starts: 0, startFailures: 0, secondWriters: 0,
    twinStarts: 0, intruders: 0, fenced: 0, snapshotsSaved: 0, snapshotsLoaded: 0,
  };
  private nextProc = 1;
  private nextStreamSeq = 1;
  private nextCommand = 1;
  private snapshotBlob: string | undefined;
  private snapshotParsed: { blob: string; value: { log: string; ledger: unknown } } | undefined;
  private restartPending = false;
  private phase: 'load' | 'heal' = 'load';
  private steps = 0;
  private lastCompare = 0;
  private digest = 0x811c9dc5;
  private probe: Req | undefined;

  constructor(private readonly opts: SimulationOptions) {
    this.master = new Prng(opts.seed);
    this.swarm = drawSwarm(this.master.fork());
    this.rng = this.master.fork();
    this.log = new SimLog(this.clock, this.master.fork(), this.swarm.faults);
    this.checker = new SimChecker(this.log, createLedger(standards));
    this.workload = new Workload(this.master.fork(), this.swarm.workload);
  }

  async run(): Promise<SimulationReport> {
    const started = performance.now();
    this.startProc();
    for (let c = 0; c < this.swarm.clients; c++) {
      this.clock.after(this.rng.exp(this.swarm.thinkMsMean), `client ${c} starts`, () => this.submitNew(c));
    }
    const stepsMax = 400 * this.opts.ops + 100_000;
    for (;;) {
      const ev = this.clock.next();
      if (!ev) {
        if (this.phase === 'load') this.heal();
        else if (!this.probe) this.probe = this.sendProbe();
        else break;
        continue;
      }
      this.steps++;
      this.note(ev.what);
      ev.fn();
      await quiesce();
      this.check();
      if (this.steps > stepsMax) this.failNow(`did not settle within ${stepsMax} steps`);
      if (this.phase === 'load' && this.counters.deliveries >= this.opts.ops) this.heal();
    }
    const probe = this.probe;
    if (probe?.result?.ok !== true) {
      this.failNow(`no convergence: with faults off a fresh command got ${JSON.stringify(probe?.result ?? probe?.state)}`);
    }
    for (const p of this.procs) {
      if (p.state === 'dead' || p.fenced) continue;
      if (p.unsettled.size > 0) this.failNow(`${p.name} holds ${p.unsettled.size} commands it never answered`);
      if (p.state === 'ready') this.checker.compare(p.name, p.loop.ledger());
    }
    this.check();
    for (const e of this.log.entries) this.mix(`${e.seq}:${e.by}:${e.msgId}:${decoder.decode(e.data)}`);
    return {
      seed: this.opts.seed, ops: this.counters.deliveries, steps: this.steps, commands: this.counters.commands!,
      simMs: this.clock.now() - START_MS, wallMs: performance.now() - started,
      digest: (this.digest >>> 0).toString(16).padStart(8, '0'), logSeq: this.log.lastSeq,
      counters: { ...this.counters, ...this.log.stats, compares: this.checker.compares, staleRefusals: this.checker.staleRefusals,
        refusalsLogged: this.checker.refusalsLogged },
      swarm: this.swarm,
    };
  }

  // ---- processes -------------------------------------------------------

  private startProc(): Proc {
    const name = `writer-${this.nextProc++}`;
    // Every other process rebuilds as start-up does (chunked), the others through plain replay.
    const client = this.log.client(name, this.nextProc % 2 === 0);
    const proc: Proc = {
      name, client, loop: undefined as unknown as WriterLoop<SimInbound>, state: 'starting', fenced: false,
      unsettled: new Set(), timers: new Set(), open: 0,
    };
    const s = this.swarm;
    proc.loop = new WriterLoop<SimInbound>(client, {
      reply: (input, result) => this.replied(proc, input, result),
      settled: (inputs) => this.settled(proc, inputs),
    }, {
      createLedger: () => createLedger(standards),
      now: () => this.clock.now(),
      sleep: (ms) => this.sleep(proc, ms),
      log: (m) => this.writerSaid(proc, m),
      writerId: name,
      ...s.loop,
      ...(this.opts.plantedBug ? { plantedBug: this.opts.plantedBug } : {}),
      ...(s.snapshotEveryEvents > 0 ? {
        snapshotEveryEvents: s.snapshotEveryEvents,
        loadSnapshot: (fresh: Ledger, created: string, lastSeq: number) => this.loadSnapshot(proc, fresh, created, lastSeq),
        saveSnapshot: (ledger: Ledger, created: string) => this.saveSnapshot(proc, ledger, created),
      } : {}),
    });
    proc.loop.onFenced = () => this.fenced(proc);
    this.procs.push(proc);
    this.counters.starts++;
    this.note(`${name} starting`);
    proc.loop.start().then(() => {
      if (proc.state === 'dead') return;
      proc.state = 'ready';
      this.note(`${name} ready at seq ${proc.loop.ledger().lastSeq} epoch ${proc.loop.ledger().epoch}`);
      this.checker.compare(proc.name, proc.loop.ledger());
      for (const msg of this.held.splice(0)) this.deliverLater(msg, 0);
    }, (err: unknown) => {
      if (proc.state === 'dead') return;
      this.counters.startFailures++;
      this.note(`${name} could not start: ${String(err)}`);
      this.crash(proc);
    });
    return proc;
  }

  private crash(proc: Proc): void {
    if (proc.state === 'dead') return;
    if (proc.client.pending > 0) this.counters.crashesWithRequestsInFlight++;
    proc.state = 'dead';
    proc.client.kill();
    for (const t of proc.timers) t.cancelled = true;
    proc.timers.clear();
    this.counters.crashes++;
    this.note(`${proc.name} crashed`);
    // Unacknowledged commands come back after the ack wait.
    for (const input of proc.unsettled) this.deliverLater(input.msg, this.swarm.ackWaitMs);
    proc.unsettled.clear();
    this.procs.splice(this.procs.indexOf(proc), 1);
    this.ensureWriter();
  }

  private ensureWriter(): void {
    if (this.restartPending || this.procs.some((p) => p.state !== 'dead' && !p.fenced)) return;
    this.restartPending = true;
    this.clock.after(this.rng.exp(200), 'restart', () => {
      this.restartPending = false;
      this.startProc();
      if (this.phase === 'load' && this.rng.chance(this.swarm.twinStartP)) {
        this.counters.twinStarts++;
        this.startProc();
      }
    });
  }

  private fenced(proc: Proc): void {
    this.counters.fenced++;
    this.note(`${proc.name} fenced`);
    // Only another process's append after this writer's newest epoch claim may fence it.
    let other: string | undefined;
    for (let seq = this.log.lastSeq; seq >= 1; seq--) {
      const e = this.log.entry(seq)!;
      if (e.by !== proc.name) { other = e.by; break; }
      if (e.batch.records.some((r) => r.events.some((ev) => ev.type === 'WriterStarted'))) break;
    }
    if (!other) this.checker.fail(`${proc.name} was fenced though nobody else appended since its epoch claim`);
    proc.fenced = true;
    // As main.ts: a fenced writer exits.
    this.clock.after(this.rng.exp(5), `${proc.name} exits`, () => this.crash(proc));
    this.ensureWriter();
  }

  private writerSaid(proc: Proc, line: string): void {
    this.note(`${proc.name} ${line}`);
    // The loop logs what escaped drain(); then it would re-kick, and spin in microtasks
    // if the error comes back every time: stop it so the failure is reported, not a hang.
    if (/^writer: [A-Za-z]*Error\b/.test(line)) {
      this.checker.fail(`${proc.name}'s loop crashed: ${line}`);
      void proc.loop.stop();
    }
  }

  private sleep(proc: Proc, ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (proc.state === 'dead') return;
      const ev = this.clock.after(ms, `${proc.name} wakes`, () => {
        proc.timers.delete(ev);
        resolve();
      });
      proc.timers.add(ev);
    });
  }

  private storeOp<T>(proc: Proc, what: string, fn: () => T): Promise<T> {
    return new Promise((resolve) => {
      proc.open++;
      this.clock.after(this.log.latency() * 2, `${proc.name} ${what}`, () => {
        if (proc.state === 'dead') return;
        proc.open--;
        resolve(fn());
      });
    });
  }

  private saveSnapshot(proc: Proc, ledger: Ledger, created: string): Promise<void> {
    const blob = JSON.stringify({ log: created, ledger: dumpLedger(ledger) });
    return this.storeOp(proc, 'snapshot saved', () => {
      this.snapshotBlob = blob;
      this.counters.snapshotsSaved++;
    });
  }

  private loadSnapshot(proc: Proc, fresh: Ledger, created: string, lastSeq: number): Promise<Ledger | null> {
    const blob = this.snapshotBlob;
    return this.storeOp(proc, 'snapshot loaded', () => {
      if (!blob) return null;
      // Parsed once per blob and frozen: restoring must copy, never adopt and change, what it reads.
      if (this.snapshotParsed?.blob !== blob) {
        this.snapshotParsed = { blob, value: deepFreeze(JSON.parse(blob) as { log: string; ledger: unknown }) };
      }
      const parsed = this.snapshotParsed.value;
      if (parsed.log !== created) return null;
      const restored = restoreLedger(fresh, parsed.ledger);
      if (!restored || restored.lastSeq > lastSeq) return null;
      this.counters.snapshotsLoaded++;
      return restored;
    });
  }

  // ---- clients and the command stream -----------------------------------

  private submitNew(client: number): void {
    if (this.phase !== 'load') return;
    const s = this.swarm;
    const commandId = this.rng.chance(0.002) ? '' : `cmd-${this.nextCommand++}`;
    const body = this.workload.next(this.checker.ledger);
    this.checker.sent(commandId, body);
    this.counters.commands++;
    this.submit({ client, commandId, body, attempts: 0, state: 'waiting', timer: undefined, result: undefined });
    // Faults ride on the stream of commands, at a random moment shortly after.
    const soon = () => this.rng.float() * 20;
    if (this.rng.chance(s.crashP)) {
      this.clock.after(soon(), 'crash', () => {
        const alive = this.procs.filter((p) => p.state !== 'dead');
        if (this.phase === 'load' && alive.length > 0) this.crash(this.rng.pick(alive));
      });
    }
    if (this.rng.chance(s.secondWriterP)) {
      this.clock.after(soon(), 'second writer', () => {
        if (this.phase !== 'load') return;
        this.counters.secondWriters++;
        this.startProc();
      });
    }
    if (this.rng.chance(s.intruderP)) this.clock.after(soon(), 'intruder', () => this.intrude());
  }

  /** The client has its answer (or gave up): it thinks, then sends its next command. */
  private finished(req: Req): void {
    if (req.client < 0) return;
    this.clock.after(this.rng.exp(this.swarm.thinkMsMean), `client ${req.client} next`, () => this.submitNew(req.client));
  }

  private submit(req: Req): void {
    req.attempts++;
    req.state = 'waiting';
    const now = this.clock.now();
    const msg: StreamMsg = {
      seq: this.nextStreamSeq++, req, acked: false, deliveries: 0,
      deadline: this.rng.chance(this.swarm.deadlineP) ? now + CLIENT_TIMEOUT_MS : 0,
    };
    this.deliverLater(msg, 0);
    const attempt = req.attempts;
    req.timer = this.clock.after(CLIENT_TIMEOUT_MS, `client timeout ${req.commandId}`, () => {
      if (req.state === 'waiting' && req.attempts === attempt) this.retryOrGiveUp(req);
    });
  }

  private deliverLater(msg: StreamMsg, extraMs: number): void {
    const s = this.swarm;
    let delay = extraMs + this.rng.exp(s.deliveryMsMean);
    if (this.rng.chance(s.lateDeliveryP)) delay += this.rng.exp(20); // overtaken by later commands
    this.clock.after(delay, `deliver ${msg.req.commandId}#${msg.seq}`, () => this.deliver(msg));
  }

  private deliver(msg: StreamMsg): void {
    if (msg.acked) return;
    if (msg.deliveries >= MAX_DELIVER) {
      this.unacked.delete(msg);
      return;
    }
    const ready = this.procs.filter((p) => p.state === 'ready' && !p.fenced);
    if (ready.length === 0) {
      this.held.push(msg); // until a writer pulls
      return;
    }
    const proc = ready.length === 1 ? ready[0]! : this.rng.pick(ready);
    msg.deliveries++;
    this.counters.deliveries++;
    if (msg.deliveries > 1) this.counters.redeliveries++;
    this.unacked.add(msg);
    const input: SimInbound = {
      commandId: msg.req.commandId, requestId: `req-${msg.seq}-${msg.deliveries}`, deadline: msg.deadline,
      body: msg.req.body, msg,
    };
    proc.unsettled.add(input);
    proc.loop.enqueue(input);
    if (this.rng.chance(this.swarm.duplicateDeliveryP)) {
      // The ack wait ran out while the writer was still at it: delivered again.
      this.counters.duplicateDeliveries++;
      this.deliverLater(msg, this.rng.exp(10));
    }
  }

  private replied(proc: Proc, input: SimInbound, result: CommandResult): void {
    if (proc.state === 'dead') {
      this.checker.fail(`${proc.name} answered ${input.commandId} after it died`);
      return;
    }
    this.counters.replies++;
    this.counters[result.ok ? 'ok' : result.rejection.kind === 'Unavailable' ? 'unavailable' : 'refused']++;
    this.mix(`${input.commandId}:${result.ok ? `ok@${result.seq}` : result.rejection.kind}`);
    this.checker.replied({ name: proc.name, epoch: proc.loop.ledger().epoch }, input.commandId, result);
    const req = input.msg.req;
    if (req.state !== 'waiting') return;
    if (req.timer) req.timer.cancelled = true;
    if (result.ok || result.rejection.kind !== 'Unavailable') {
      req.state = 'done';
      req.result = result;
      this.finished(req);
    } else {
      req.result = result;
      this.retryOrGiveUp(req);
    }
  }

  private retryOrGiveUp(req: Req): void {
    if (req.attempts < CLIENT_ATTEMPTS_MAX && (req === this.probe || this.rng.chance(this.swarm.retryP))) {
      req.state = 'backoff';
      this.counters.retries++;
      this.clock.after(this.rng.exp(300), `client retries ${req.commandId}`, () => this.submit(req));
    } else {
      req.state = 'gave-up';
      this.counters.gaveUp++;
      this.finished(req);
    }
  }

  /** Cumulative ack, as the writer's consumer: every delivered message up to the last one settled. */
  private settled(proc: Proc, inputs: readonly SimInbound[]): void {
    for (const i of inputs) proc.unsettled.delete(i);
    const last = inputs.at(-1);
    if (!last) return;
    for (const m of this.unacked) {
      if (m.seq <= last.msg.seq) {
        m.acked = true;
        this.unacked.delete(m);
      }
    }
  }

  private intrude(): void {
    if (this.phase !== 'load') return;
    this.counters.intruders++;
    const epoch = this.checker.maxEpoch + 1;
    const batch: LogBatch = {
      v: 1, epoch,
      records: [{ commandId: `intruder-epoch-${epoch}`, requestId: '', at: new Date(this.clock.now()).toISOString(),
        events: [{ type: 'WriterStarted', epoch }] }],
    };
    this.log.serverAppend(encodeBatch(batch), { expectedLastSeq: this.log.lastSeq, msgId: `intruder-${epoch}` }, 'intruder');
  }

  // ---- phases and checks ------------------------------------------------

  /** Faults stop; what is in flight settles. */
  private heal(): void {
    this.phase = 'heal';
    this.note('healing: faults off');
    this.log.faults = { ...this.log.faults, appendRejected: 0, ackLost: 0, storedLate: 0, readFailed: 0 };
    this.ensureWriter();
  }

  private sendProbe(): Req {
    this.note('probe');
    const req: Req = { client: -1, commandId: 'probe', body: {
      type: 'CreateResourceProvider', uuid: 'ffffffff-0000-4000-8000-000000000000', name: 'probe', parentUuid: null,
    }, attempts: 0, state: 'waiting', timer: undefined, result: undefined };
    this.ensureWriter();
    this.submit(req);
    return req;
  }

  private check(): void {
    if (this.checker.failures.length > 0) this.failNow(this.checker.failures.join('\n'));
    const every = this.opts.compareEverySteps ?? 50;
    if (this.steps - this.lastCompare < every) return;
    for (const p of this.procs) {
      if (p.state !== 'ready' || p.fenced || p.unsettled.size > 0 || p.timers.size > 0 || p.open > 0 || p.client.pending > 0) continue;
      if (this.checker.compare(p.name, p.loop.ledger())) this.lastCompare = this.steps;
    }
    if (this.checker.failures.length > 0) this.failNow(this.checker.failures.join('\n'));
  }

  private failNow(why: string): never {
    throw new SimulationFailure(this.opts.seed, this.steps, why, this.lastEvents(), this.opts);
  }

  private note(line: string): void {
    const t = this.clock.now() - START_MS;
    this.opts.trace?.(`${t.toFixed(3)}ms ${line}`);
    this.recent[this.recentAt++ % RECENT_MAX] = [t, line];
  }

  private lastEvents(): string[] {
    const n = Math.min(this.recentAt, RECENT_MAX);
    const out: string[] = [];
    for (let i = this.recentAt - n; i < this.recentAt; i++) {
      const [t, line] = this.recent[i % RECENT_MAX]!;
      out.push(`${t.toFixed(3)}ms ${line}`);
    }
    return out;
  }

  /** FNV-1a over what the outside world saw: the log and the replies. */
  private mix(s: string): void {
    let h = this.digest;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    this.digest = h >>> 0;
  }
}

const decoder = new TextDecoder();
const quiesce = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
