/**
 * Provider listing benchmark, runnable against any Placement URL.
 *
 *   npx tsx bench/listing.ts --url http://127.0.0.1:8778 [--trees 3334] [--clients 16] [--queries 500]
 *
 * Loads trees of 1 root + 2 children (10,002 providers by default), each
 * root with inventory, 3 aggregates and a handful of traits, over HTTP with
 * C clients (prints writes/s), then times filtered GET /resource_providers
 * (resources + member_of + required) and prints p50 / p99. Loopback only.
 */
import { randomUUID } from 'node:crypto';
import { client } from './lib/http-client.ts';
import { benchArgs } from './lib/args.ts';

const args = benchArgs();
const url = args.url;
const trees = args.number('trees', 3334);
const clients = args.number('clients', 16);
const queries = args.number('queries', 500);

const headers = { 'x-auth-token': 'admin', 'openstack-api-version': 'placement 1.39', 'content-type': 'application/json' };
let writes = 0;
const raw = client(url, Math.max(clients, 1), headers);
async function call(method: string, path: string, body?: unknown): Promise<any> {
  const r = await raw(method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
  if (method !== 'GET') writes++;
  return r.json;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const aggregates = Array.from({ length: 30 }, () => randomUUID());
const traits = Array.from({ length: 20 }, (_, i) => `CUSTOM_BENCH_${i}`);

async function pool(n: number, count: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (next < count) await job(next++); }));
}

async function main(): Promise<void> {
  for (const t of traits) await call('PUT', `/traits/${t}`);
  const t0 = performance.now();
  await pool(clients, trees, async (i) => {
    const root = randomUUID();
    await call('POST', '/resource_providers', { name: `bench-root-${root}`, uuid: root });
    for (let c = 0; c < 2; c++) {
      const child = randomUUID();
      await call('POST', '/resource_providers', { name: `bench-child-${child}`, uuid: child, parent_provider_uuid: root });
    }
    const inv = await call('PUT', `/resource_providers/${root}/inventories`, {
      resource_provider_generation: 0,
      inventories: { VCPU: { total: 8 + (i % 32) }, MEMORY_MB: { total: 16384 }, DISK_GB: { total: 500 } },
    });
    const aggs = [0, 1, 2].map((k) => aggregates[(i + k * 7) % aggregates.length]!);
    const ag = await call('PUT', `/resource_providers/${root}/aggregates`, { aggregates: aggs, resource_provider_generation: inv.resource_provider_generation });
    await call('PUT', `/resource_providers/${root}/traits`, {
      traits: [0, 1, 2, 3].map((k) => traits[(i + k * 3) % traits.length]!), resource_provider_generation: ag.resource_provider_generation,
    });
  });
  const loadS = (performance.now() - t0) / 1000;
  console.log(`loaded ${trees * 3} providers (${trees} trees) with ${writes} writes in ${loadS.toFixed(1)} s: ` +
    `${(writes / loadS).toFixed(0)} writes/s at ${clients} clients`);

  const lat: number[] = [];
  let found = 0;
  for (let q = 0; q < queries; q++) {
    const path = `/resource_providers?resources=VCPU:${1 + (q % 16)},MEMORY_MB:1024&member_of=in:${aggregates[q % 30]},${aggregates[(q + 11) % 30]}` +
      `&required=${traits[q % 20]},!${traits[(q + 5) % 20]}`;
    const t = performance.now();
    const r = await call('GET', path);
    lat.push(performance.now() - t);
    found += r.resource_providers.length;
  }
  console.log(`GET /resource_providers?resources&member_of&required: p50 ${pct(lat, 50).toFixed(2)} ms, ` +
    `p99 ${pct(lat, 99).toFixed(2)} ms over ${queries} queries (avg ${(found / queries).toFixed(1)} providers each)`);
}

await main();
