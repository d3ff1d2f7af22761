/**
 * Claims benchmark, runnable against any Placement URL (this service or
 * upstream), so both can be measured side by side.
 *
 *   npx tsx bench/claims.ts --url http://127.0.0.1:8778 [--providers 100] [--vcpu 64]
 *       [--clients 64] [--claim 1] [--pid <service pid>] [--gets 2000]
 *
 * Loads N providers with VCPU inventory, then C concurrent clients PUT
 * allocations for new consumers, each client walking the providers, until
 * every provider is full. Prints claims/s, p50/p99 latency, 409s, a final
 * oversubscription check (must be 0), GET latencies, and, with --pid, the
 * service's resident memory per 100,000 allocations. Loopback URLs only.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { client } from './lib/http-client.ts';
import { benchArgs } from './lib/args.ts';

const args = benchArgs();
const url = args.url;
const providers = args.number('providers', 100);
const vcpu = args.number('vcpu', 64);
const clients = args.number('clients', 64);
const claim = args.number('claim', 1);
const gets = args.number('gets', 2000);
const pid = args.get('pid') ? Number(args.get('pid')) : undefined;


const headers = {
  'x-auth-token': 'admin',
  'openstack-api-version': 'placement 1.39',
  'content-type': 'application/json',
  accept: 'application/json',
};

const call = client(url, Math.max(clients, 16), headers);

const rssKiB = (): number | undefined => {
  if (pid === undefined) return undefined;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : undefined;
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

async function pool<T>(n: number, count: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < count) {
      const i = next++;
      out[i] = await job(i);
    }
  }));
  return out;
}

async function main(): Promise<void> {
  const rps: string[] = [];
  const t0 = performance.now();
  await pool(16, providers, async (i) => {
    const uuid = randomUUID();
    const r = await call('POST', '/resource_providers', { name: `bench-${uuid}`, uuid });
    if (r.status !== 200 && r.status !== 201) throw new Error(`create provider: ${r.status} ${JSON.stringify(r.json)}`);
    const inv = await call('PUT', `/resource_providers/${uuid}/inventories`, {
      resource_provider_generation: 0,
      inventories: { VCPU: { total: vcpu, max_unit: vcpu } },
    });
    if (inv.status !== 200) throw new Error(`set inventory: ${inv.status} ${JSON.stringify(inv.json)}`);
    rps[i] = uuid;
  });
  const loadS = (performance.now() - t0) / 1000;
  console.log(`loaded ${providers} providers x ${vcpu} VCPU in ${loadS.toFixed(2)} s (${(2 * providers / loadS).toFixed(0)} writes/s)`);

  const rssBefore = rssKiB();
  const latencies: number[] = [];
  let ok = 0;
  let conflicts = 0;
  let other = 0;
  const full = new Set<string>();
  const consumers: string[] = [];
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    let cursor = c % providers;
    for (let guard = 0; full.size < providers && guard < providers * vcpu * 4; guard++) {
      const rp = rps[cursor]!;
      cursor = (cursor + 1) % providers;
      if (full.has(rp)) continue;
      const consumer = randomUUID();
      const t = performance.now();
      const r = await call('PUT', `/allocations/${consumer}`, {
        allocations: { [rp]: { resources: { VCPU: claim } } },
        project_id: 'bench-project', user_id: 'bench-user', consumer_generation: null, consumer_type: 'INSTANCE',
      });
      latencies.push(performance.now() - t);
      if (r.status === 204) { ok++; consumers.push(consumer); }
      else if (r.status === 409) { conflicts++; full.add(rp); }
      else { other++; if (other < 5) console.error(`unexpected ${r.status}: ${JSON.stringify(r.json)}`); }
    }
  }));
  const secs = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  console.log(`claims: ${ok} accepted in ${secs.toFixed(2)} s = ${(ok / secs).toFixed(0)} claims/s ` +
    `(${((ok + conflicts) / secs).toFixed(0)} writes/s incl. 409s) at ${clients} clients`);
  console.log(`latency ms: p50 ${pct(latencies, 50).toFixed(2)}  p99 ${pct(latencies, 99).toFixed(2)}  ` +
    `max ${pct(latencies, 100).toFixed(2)};  409s: ${conflicts};  other errors: ${other}`);
  // The client shares the machine: its own CPU per request says how much of it the bench takes.
  console.log(`bench client CPU: ${((cpu.user + cpu.system) / (ok + conflicts + other)).toFixed(0)} us per request`);

  let over = 0;
  let used = 0;
  for (const rp of rps) {
    const u = await call('GET', `/resource_providers/${rp}/usages`);
    const n = u.json?.usages?.VCPU ?? 0;
    used += n;
    if (n > vcpu) over++;
  }
  console.log(`oversubscribed providers: ${over} (must be 0); VCPU used ${used} of ${providers * vcpu}`);

  const getLat = (samples: number[]) => `p50 ${pct(samples, 50).toFixed(2)} p99 ${pct(samples, 99).toFixed(2)}`;
  const rpGets: number[] = [];
  const consumerGets: number[] = [];
  for (let i = 0; i < gets; i++) {
    let t = performance.now();
    await call('GET', `/resource_providers/${rps[i % rps.length]}`);
    rpGets.push(performance.now() - t);
    t = performance.now();
    await call('GET', `/allocations/${consumers[i % Math.max(1, consumers.length)] ?? randomUUID()}`);
    consumerGets.push(performance.now() - t);
  }
  console.log(`GET provider ms: ${getLat(rpGets)};  GET consumer allocations ms: ${getLat(consumerGets)}`);

  const rssAfter = rssKiB();
  if (rssBefore !== undefined && rssAfter !== undefined && ok > 0) {
    const perAlloc = ((rssAfter - rssBefore) * 1024) / ok;
    console.log(`service RSS ${rssBefore} -> ${rssAfter} KiB: ${(perAlloc).toFixed(0)} B per allocation, ` +
      `${((perAlloc * 100_000) / 1024 / 1024).toFixed(1)} MiB per 100,000 allocations`);
  }
  if (over > 0) process.exitCode = 1;
}

await main();
