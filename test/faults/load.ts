/**
 * Write load over HTTP for the fault tests, and the check of what survived.
 *
 * Every claim is `PUT /allocations/{fresh consumer}` at 1.39 with
 * consumer_generation null, on one provider or (multi-provider) two. Each
 * outcome is recorded: 204 = acknowledged, 409 = refused (known: not
 * applied), connection refused = never sent (known: not applied), 503 or a
 * broken connection = unknown. `verify` then reads every consumer and every
 * provider back and checks the state is exactly the acknowledged set plus,
 * whole or absent, the unknown ones.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';

export const headers = {
  'x-auth-token': 'admin', 'openstack-api-version': 'placement 1.39', 'content-type': 'application/json',
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function call(url: string, method: string, path: string, body?: unknown,
  timeoutMs = 20_000): Promise<{ status: number; body: any }> {
  const r = await fetch(url + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await r.text();
  let parsed: unknown = text;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
  return { status: r.status, body: parsed };
}

export interface Provider { readonly uuid: string; readonly vcpu: number }

/** Creates providers with a VCPU inventory each (fails the test on any non-2xx). */
export async function createProviders(url: string, capacities: readonly number[]): Promise<Provider[]> {
  return Promise.all(capacities.map(async (vcpu, i) => {
    const uuid = randomUUID();
    const created = await call(url, 'POST', '/resource_providers', { name: `fault-rp-${i}-${uuid}`, uuid });
    expect(created.status).toBe(200);
    const inv = await call(url, 'PUT', `/resource_providers/${uuid}/inventories`, {
      resource_provider_generation: 0, inventories: { VCPU: { total: vcpu } },
    });
    expect(inv.status).toBe(200);
    return { uuid, vcpu };
  }));
}

export type Outcome = 'acked' | 'refused' | 'not-sent' | 'unknown';

export interface Claim {
  readonly consumer: string;
  readonly allocations: Readonly<Record<string, number>>;
  readonly startedAt: number;
  outcome?: Outcome;
  status?: number | string;
  ms?: number;
  detail?: string;
}

export interface Tally {
  readonly claims: Claim[];
  /** Answers no client may ever get: a 2xx other than 204, a 500, a 400, a hang past the 15 s reply timeout. */
  readonly unexpected: string[];
  /** Details of the 503s, by text. */
  readonly unavailable: Map<string, number>;
  maxMs: number;
  /** Requests sent and not yet answered. */
  inflight: number;
}

export const newTally = (): Tally => ({ claims: [], unexpected: [], unavailable: new Map(), maxMs: 0, inflight: 0 });

/** Waits until every request sent so far has its answer (or its error). */
export async function settled(tally: Tally, limitMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (tally.inflight > 0) {
    if (Date.now() - t0 > limitMs) throw new Error(`${tally.inflight} requests still unanswered after ${limitMs} ms`);
    await sleep(20);
  }
}

/** Waits until a claim sent after `since` is acknowledged; how long after `since` its answer came. */
export async function firstAckAfter(tally: Tally, since: number, limitMs: number): Promise<number> {
  while (Date.now() - since < limitMs) {
    const done = tally.claims.filter((c) => c.outcome === 'acked' && c.startedAt >= since).map((c) => c.startedAt + c.ms!);
    if (done.length > 0) return Math.min(...done) - since;
    await sleep(50);
  }
  throw new Error(`no write acknowledged within ${limitMs} ms`);
}

/** The service answers within its 15 s reply timeout, plus slack; longer is a hang. */
const HANG_MS = 18_000;

export interface LoadOptions {
  /** URL of the service now, or undefined while there is none (clients wait). */
  readonly target: () => string | undefined;
  readonly providers: readonly Provider[];
  readonly clients: number;
  /** Clients stop starting claims when this says so ... */
  readonly stop: () => boolean;
  /** ... or after this long at the latest ... */
  readonly maxMs: number;
  /** ... or after this many claims each. */
  readonly maxPerClient: number;
  readonly tally: Tally;
}

function pick<T>(xs: readonly T[]): T { return xs[Math.floor(Math.random() * xs.length)]!; }

export function newClaim(providers: readonly Provider[]): Claim {
  const allocations: Record<string, number> = {};
  const a = pick(providers);
  allocations[a.uuid] = 1 + Math.floor(Math.random() * 3);
  if (providers.length > 1 && Math.random() < 0.4) {
    let b = pick(providers);
    while (b === a) b = pick(providers);
    allocations[b.uuid] = 1 + Math.floor(Math.random() * 3);
  }
  return { consumer: randomUUID(), allocations, startedAt: Date.now() };
}

function errorCode(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  return e.cause?.code ?? e.code ?? e.cause?.name ?? e.name ?? String(err);
}

/** One claim, its outcome recorded in the tally. */
export async function claimOnce(url: string, claim: Claim, tally: Tally): Promise<void> {
  tally.claims.push(claim);
  tally.inflight++;
  const body = {
    allocations: Object.fromEntries(Object.entries(claim.allocations).map(([rp, n]) => [rp, { resources: { VCPU: n } }])),
    project_id: 'fault-project', user_id: 'fault-user', consumer_generation: null, consumer_type: 'INSTANCE',
  };
  try {
    const r = await call(url, 'PUT', `/allocations/${claim.consumer}`, body, HANG_MS);
    claim.status = r.status;
    if (r.status === 204) claim.outcome = 'acked';
    else if (r.status === 409) claim.outcome = 'refused';
    else if (r.status === 503) {
      claim.outcome = 'unknown';
      const err = r.body?.errors?.[0];
      const detail = typeof err?.detail === 'string' ? err.detail : JSON.stringify(r.body);
      claim.detail = detail;
      // A clear 503: Placement's error format, status 503, and a detail saying why.
      if (err?.status !== 503 || !detail) tally.unexpected.push(`unclear 503: ${JSON.stringify(r.body)}`);
      tally.unavailable.set(detail, (tally.unavailable.get(detail) ?? 0) + 1);
    } else {
      claim.outcome = 'unknown';
      tally.unexpected.push(`HTTP ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
    }
  } catch (err) {
    const code = errorCode(err);
    claim.status = code;
    // Refused connection: nothing listened, the request never reached the service.
    claim.outcome = code === 'ECONNREFUSED' ? 'not-sent' : 'unknown';
    if (code === 'TimeoutError' || code === 'AbortError') tally.unexpected.push(`no answer within ${HANG_MS} ms`);
  }
  tally.inflight--;
  claim.ms = Date.now() - claim.startedAt;
  tally.maxMs = Math.max(tally.maxMs, claim.ms);
}

/** `clients` loops claiming until stop(), maxMs or maxPerClient; waits while there is no service. */
export async function runLoad(o: LoadOptions): Promise<void> {
  const until = Date.now() + o.maxMs;
  await Promise.all(Array.from({ length: o.clients }, async () => {
    for (let i = 0; i < o.maxPerClient && !o.stop() && Date.now() < until; i++) {
      const url = o.target();
      if (!url) { await sleep(50); i--; continue; }
      const claim = newClaim(o.providers);
      await claimOnce(url, claim, o.tally);
      if (claim.outcome === 'not-sent' || (claim.outcome === 'unknown' && typeof claim.status === 'string')) await sleep(50);
    }
  }));
}

export interface LoadControl {
  readonly providers: readonly Provider[];
  readonly tally: Tally;
  /** The service is gone: clients wait ... */
  down(): void;
  /** ... until it answers here. */
  up(url: string): void;
}

/**
 * Creates providers of `capacities` on the service at `url`, then runs 64
 * claiming clients (at most `maxMs`) while `body` runs, and stops them after.
 */
export async function underLoad(url: string, capacities: readonly number[], maxMs: number,
  body: (load: LoadControl) => Promise<void>): Promise<LoadControl> {
  const providers = await createProviders(url, capacities);
  const tally = newTally();
  let target: string | undefined = url;
  let stop = false;
  const load = runLoad({ target: () => target, providers, clients: 64, stop: () => stop, maxMs, maxPerClient: 5000, tally });
  const control: LoadControl = { providers, tally, down: () => { target = undefined; }, up: (u) => { target = u; } };
  try {
    await body(control);
  } finally {
    stop = true;
    await load;
  }
  return control;
}

/** Runs `fn` over `items` with at most `n` at a time. */
async function pool<T>(items: readonly T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

export interface Figures {
  acknowledged: number;
  recovered: number;
  lost: number;
  refused: number;
  notSent: number;
  unknown: number;
  unknownPresent: number;
  unknownAbsent: number;
  halfApplied: number;
  wronglyPresent: number;
  oversubscribed: number;
  usageMismatches: number;
}

/**
 * Reads every claimed consumer (GET /allocations/{c}) and every provider's
 * usages and allocations, and checks them against the tally. Prints the
 * figures under `label` and asserts: nothing acknowledged lost, nothing
 * refused or never sent present, no unknown one half there, usages exactly
 * the present claims, no provider over capacity, no unexpected answer.
 */
export async function verify(url: string, label: string, providers: readonly Provider[], tally: Tally): Promise<Figures> {
  const f: Figures = {
    acknowledged: 0, recovered: 0, lost: 0, refused: 0, notSent: 0, unknown: 0, unknownPresent: 0,
    unknownAbsent: 0, halfApplied: 0, wronglyPresent: 0, oversubscribed: 0, usageMismatches: 0,
  };
  const problems: string[] = [];
  const expectedUse = new Map<string, number>(providers.map((p) => [p.uuid, 0]));
  const expectedConsumers = new Map<string, Set<string>>(providers.map((p) => [p.uuid, new Set()]));
  await pool(tally.claims, 32, async (c) => {
    const r = await call(url, 'GET', `/allocations/${c.consumer}`);
    if (r.status !== 200) { problems.push(`GET /allocations/${c.consumer}: ${r.status}`); return; }
    const got = Object.fromEntries(Object.entries(r.body.allocations as Record<string, { resources: { VCPU: number } }>)
      .map(([rp, a]) => [rp, a.resources.VCPU]));
    const whole = JSON.stringify(Object.entries(got).sort()) === JSON.stringify(Object.entries(c.allocations).sort());
    const absent = Object.keys(got).length === 0;
    const present = !absent && whole;
    if (!absent && !whole) {
      f.halfApplied++;
      problems.push(`consumer ${c.consumer} (${c.outcome}, ${c.status}) half there: claimed ${JSON.stringify(c.allocations)}, has ${JSON.stringify(got)}`);
    }
    switch (c.outcome) {
      case 'acked':
        f.acknowledged++;
        if (present) f.recovered++;
        else { f.lost++; problems.push(`acknowledged consumer ${c.consumer} lost: has ${JSON.stringify(got)}`); }
        break;
      case 'refused':
      case 'not-sent':
        if (c.outcome === 'refused') f.refused++; else f.notSent++;
        if (!absent) { f.wronglyPresent++; problems.push(`${c.outcome} consumer ${c.consumer} (${c.status}) is present`); }
        break;
      default:
        f.unknown++;
        if (present) f.unknownPresent++;
        else if (absent) f.unknownAbsent++;
    }
    if (present) {
      for (const [rp, n] of Object.entries(c.allocations)) {
        expectedUse.set(rp, expectedUse.get(rp)! + n);
        expectedConsumers.get(rp)!.add(c.consumer);
      }
    }
  });
  for (const p of providers) {
    const u = await call(url, 'GET', `/resource_providers/${p.uuid}/usages`);
    const used = (u.body?.usages?.VCPU as number | undefined) ?? 0;
    if (used > p.vcpu) { f.oversubscribed++; problems.push(`provider ${p.uuid}: ${used} VCPU used of ${p.vcpu}`); }
    if (used !== expectedUse.get(p.uuid)) {
      f.usageMismatches++;
      problems.push(`provider ${p.uuid}: usage ${used}, present claims sum to ${expectedUse.get(p.uuid)}`);
    }
    const a = await call(url, 'GET', `/resource_providers/${p.uuid}/allocations`);
    const on = Object.keys(a.body?.allocations ?? {}).sort();
    const want = [...expectedConsumers.get(p.uuid)!].sort();
    if (JSON.stringify(on) !== JSON.stringify(want)) {
      f.usageMismatches++;
      problems.push(`provider ${p.uuid}: consumers ${on.length}, expected ${want.length}`);
    }
  }
  const used = providers.map((p) => expectedUse.get(p.uuid)!);
  console.log(`[${label}] acknowledged ${f.acknowledged}, recovered ${f.recovered}, lost ${f.lost}; ` +
    `refused ${f.refused} (present ${f.wronglyPresent}); never sent ${f.notSent}; ` +
    `unknown ${f.unknown} (present whole ${f.unknownPresent}, absent ${f.unknownAbsent}, half ${f.halfApplied}); ` +
    `providers ${providers.length}, usage ${used.join('/')} of ${providers.map((p) => p.vcpu).join('/')}, ` +
    `oversubscribed ${f.oversubscribed}, mismatches ${f.usageMismatches}; slowest answer ${tally.maxMs} ms; ` +
    `503s ${JSON.stringify(Object.fromEntries(tally.unavailable))}; unexpected ${tally.unexpected.length}`);
  expect(problems.slice(0, 20)).toEqual([]);
  expect(tally.unexpected.slice(0, 20)).toEqual([]);
  expect(f.lost).toBe(0);
  expect(f.recovered).toBe(f.acknowledged);
  return f;
}
