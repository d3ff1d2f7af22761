/**
 * @module testing/workload
 * Random commands for the simulation, as clients would send them: create
 * providers, set inventories, claim, move and delete allocations across 1-3
 * providers (sometimes for two consumers at once), now and then a stale
 * generation, a name clash or a body the schema refuses. It peeks at the
 * durable state only to make plausible requests; whatever it sends, the
 * writer must answer correctly.
 */
import type { Ledger } from '../domain/model.ts';
import type { ConsumerAllocations, ResourcesData } from '../domain/commands.ts';
import type { Prng } from './prng.ts';

export interface WorkloadShape {
  readonly providers: number;
  readonly consumers: number;
  /** 0..1: how large claims are against capacity (higher: more conflicts). */
  readonly pressure: number;
}

const hex12 = (n: number): string => n.toString(16).padStart(12, '0');
const TRAITS = ['CUSTOM_T0', 'CUSTOM_T1', 'CUSTOM_T2'];
const CLASSES = ['CUSTOM_RC0', 'CUSTOM_RC1'];

export class Workload {
  private readonly providerIds: string[];
  private readonly consumerIds: string[];

  constructor(private readonly rng: Prng, readonly shape: WorkloadShape) {
    this.providerIds = Array.from({ length: shape.providers }, (_, i) => `00000000-0000-4000-8000-${hex12(i)}`);
    this.consumerIds = Array.from({ length: shape.consumers }, (_, i) => `c0000000-0000-4000-8000-${hex12(i)}`);
  }

  /** The next command body (usually a valid Command, sometimes not). */
  next(l: Ledger): unknown {
    const r = this.rng;
    const existing = [...l.providers.keys()];
    const x = r.float();
    if (existing.length < 2 || x < 0.05) return this.createProvider(l, existing);
    if (x < 0.17) return this.inventories(l, existing);
    if (x < 0.50) return this.claim(l, existing, this.consumer(l, false));
    if (x < 0.58) return this.multiClaim(l, existing);
    if (x < 0.72) return this.claim(l, existing, this.consumer(l, true));
    if (x < 0.85) return { type: 'DeleteAllocations', consumerUuid: this.consumer(l, true) };
    if (x < 0.87) return { type: 'DeleteResourceProvider', uuid: r.pick(this.providerIds) };
    if (x < 0.89) {
      const i = r.int(this.providerIds.length);
      return { type: 'UpdateResourceProvider', uuid: this.providerIds[i], name: `rp-${i}-${r.int(3)}`, allowReparent: false };
    }
    if (x < 0.91) return { type: 'CreateTrait', name: r.pick(TRAITS) };
    if (x < 0.94) {
      const uuid = r.pick(existing);
      return {
        type: 'SetProviderTraits', uuid, generation: r.chance(0.5) ? (l.providers.get(uuid)?.generation ?? 0) : null,
        traits: TRAITS.filter(() => r.chance(0.4)),
      };
    }
    if (x < 0.96) return { type: 'CreateResourceClass', name: r.pick(CLASSES), ifAbsent: r.chance(0.5) };
    if (x < 0.98) {
      const uuid = r.pick(existing);
      return {
        type: 'ChangeInventories', uuid, generation: null, reservedMayEqualTotal: true,
        change: { kind: 'delete-all' },
      };
    }
    // Refused by the schema: no consumers, a negative amount, an unknown command.
    return r.pick<unknown>([
      { type: 'ReplaceAllocations', consumers: [], via: 'put' },
      { type: 'DeleteAllocations', consumerUuid: 'not-a-uuid' },
      { type: 'Nonsense' },
      null,
    ]);
  }

  private createProvider(l: Ledger, existing: string[]): unknown {
    const r = this.rng;
    const i = r.int(this.providerIds.length);
    const parent = existing.length > 0 && r.chance(0.2) ? r.pick(existing) : null;
    // Now and then a name another provider may hold.
    const name = r.chance(0.05) ? `rp-${r.int(this.providerIds.length)}` : `rp-${i}`;
    void l;
    return { type: 'CreateResourceProvider', uuid: this.providerIds[i], name, parentUuid: parent };
  }

  private inventories(l: Ledger, existing: string[]): unknown {
    const r = this.rng;
    const uuid = r.pick(existing);
    const rp = l.providers.get(uuid);
    const vcpu = r.range(2, 32);
    const mem = r.pick([2048, 4096, 8192, 16384]);
    const inventories: Record<string, unknown> = {
      VCPU: { total: vcpu, reserved: r.range(0, 1), min_unit: 1, max_unit: vcpu, step_size: 1,
        allocation_ratio: r.pick([1, 1, 1.5, 2, 4]) },
      MEMORY_MB: { total: mem, reserved: r.pick([0, 0, 512]), min_unit: 1, max_unit: mem, step_size: 1,
        allocation_ratio: r.pick([1, 1.5]) },
    };
    if (r.chance(0.3)) {
      inventories.DISK_GB = { total: 100, reserved: 0, min_unit: 10, max_unit: 100, step_size: 10, allocation_ratio: 1 };
    }
    if (r.chance(0.1)) inventories[r.pick(CLASSES)] = { total: 8, reserved: 0, min_unit: 1, max_unit: 8, step_size: 1, allocation_ratio: 1 };
    const g = r.float();
    const generation = g < 0.5 ? (rp?.generation ?? 0) : g < 0.9 ? null : r.range(0, 5);
    return { type: 'ChangeInventories', uuid, generation, reservedMayEqualTotal: true, change: { kind: 'replace', inventories } };
  }

  private consumer(l: Ledger, existingOnly: boolean): string {
    const known = [...l.consumers.keys()];
    if (existingOnly && known.length > 0 && this.rng.chance(0.9)) return this.rng.pick(known);
    return this.rng.pick(this.consumerIds);
  }

  private allocationsFor(existing: string[]): Record<string, ResourcesData> {
    const r = this.rng;
    const k = Math.min(existing.length, r.range(1, 3));
    const chosen = new Set<string>();
    while (chosen.size < k) chosen.add(r.pick(existing));
    if (r.chance(0.03)) chosen.add(r.pick(this.providerIds)); // maybe a provider that does not exist
    const scale = 1 + this.shape.pressure * 4;
    const out: Record<string, ResourcesData> = {};
    for (const rp of chosen) {
      const res: ResourcesData = { VCPU: Math.max(0, Math.round(r.range(1, 3) * scale) - (r.chance(0.05) ? 99 : 0)) };
      if (r.chance(0.7)) res.MEMORY_MB = r.pick([128, 256, 512, 1024]) * Math.ceil(scale);
      if (r.chance(0.1)) res.DISK_GB = r.pick([10, 20, 15]);
      out[rp] = res;
    }
    return out;
  }

  private consumerAllocations(l: Ledger, existing: string[], consumerUuid: string): ConsumerAllocations {
    const r = this.rng;
    const c = l.consumers.get(consumerUuid);
    const g = r.float();
    const consumerGeneration = g < 0.6 ? undefined : g < 0.92 ? (c ? c.generation : null) : r.range(0, 4);
    return {
      consumerUuid, projectId: r.pick(['p1', 'p2']), userId: 'u1',
      ...(consumerGeneration !== undefined ? { consumerGeneration } : {}),
      allocations: r.chance(0.04) ? {} : this.allocationsFor(existing),
    };
  }

  private claim(l: Ledger, existing: string[], consumerUuid: string): unknown {
    return {
      type: 'ReplaceAllocations', via: this.rng.pick(['put', 'post']),
      consumers: [this.consumerAllocations(l, existing, consumerUuid)],
    };
  }

  private multiClaim(l: Ledger, existing: string[]): unknown {
    const a = this.consumer(l, false);
    let b = this.consumer(l, false);
    if (b === a) b = this.consumerIds[(this.consumerIds.indexOf(a) + 1) % this.consumerIds.length]!;
    return {
      type: 'ReplaceAllocations', via: 'post',
      consumers: [this.consumerAllocations(l, existing, a), this.consumerAllocations(l, existing, b)],
    };
  }
}
