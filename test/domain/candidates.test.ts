import { describe, expect, it } from 'vitest';
import { findCandidates, inSameSubtree, type RequestGroup, type RequestWide } from '../../src/domain/candidates/index.ts';
import type { PlacementEvent } from '../../src/domain/events.ts';
import { product } from '../../src/domain/candidates/product.ts';
import { allocated, given, inv, inventoriesSet, providerCreated } from '../support/given.ts';

const NAMES = ['c1', 'c2', 'sh', 'n0', 'n1', 'pf'];
const uuidOf = (i: number): string => `${String(i + 1).repeat(8)}-0000-4000-8000-000000000000`;
const [CN1, CN2, SHR, NUMA0, NUMA1, PF0] = NAMES.map((_, i) => uuidOf(i)) as [string, string, string, string, string, string];
const short = (uuid: string): string => NAMES[Number(uuid[0]) - 1]!;
const AGG = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';

const traits = (uuid: string, ...names: string[]): PlacementEvent =>
  ({ type: 'ProviderTraitsReplaced', uuid, generation: 1, traits: names });
const aggs = (uuid: string, ...aggregates: string[]): PlacementEvent =>
  ({ type: 'ProviderAggregatesReplaced', uuid, generation: 0, aggregates });

const group = (suffix: string, resources: Record<string, number>, more: Partial<RequestGroup> = {}): RequestGroup => ({
  suffix, useSameProvider: suffix !== '', resources: new Map(Object.entries(resources)), requiredTraits: [],
  forbiddenTraits: new Set(), memberOf: [], forbiddenAggregates: new Set(), ...more,
});
const wide = (more: Partial<RequestWide> = {}): RequestWide => ({ sameSubtrees: [], nestedAware: true, ...more });

/** Each candidate as sorted "provider:CLASS=amount" strings. */
function shapes(ledger: ReturnType<typeof given>['ledger'], groups: RequestGroup[], w = wide()) {
  const r = findCandidates(ledger, groups, w);
  if (!r.ok) throw new Error(`unknown ${r.unknown} ${r.name}`);
  return r.allocationRequests.map((a) => a.resources.map((x) => `${short(x.provider)}:${x.resourceClass}=${x.amount}`)
    .sort().join(' ')).sort();
}

describe('findCandidates: single providers', () => {
  const world = () => given(providerCreated(CN1), providerCreated(CN2),
    inventoriesSet(CN1, { VCPU: inv(8), MEMORY_MB: inv(1024) }), inventoriesSet(CN2, { VCPU: inv(2) }),
    allocated('c', { [CN1]: { VCPU: 6 } })).ledger;

  it('offers each provider that has room for every class', () => {
    expect(shapes(world(), [group('', { VCPU: 2 })])).toEqual(['c1:VCPU=2', 'c2:VCPU=2']);
    expect(shapes(world(), [group('', { VCPU: 3 })])).toEqual([]);
    expect(shapes(world(), [group('', { VCPU: 1, MEMORY_MB: 512 })])).toEqual(['c1:MEMORY_MB=512 c1:VCPU=1']);
  });

  it('summarises capacity and usage of every inventory', () => {
    const r = findCandidates(world(), [group('', { MEMORY_MB: 1 })], wide());
    expect(r.ok && r.providerSummaries).toEqual([{ uuid: CN1, parentUuid: null, rootUuid: CN1, traits: [],
      resources: [{ resourceClass: 'VCPU', capacity: 8, used: 6 }, { resourceClass: 'MEMORY_MB', capacity: 1024, used: 0 }] }]);
  });

  it('names an unknown class or trait, and limits', () => {
    expect(findCandidates(world(), [group('', { CUSTOM_NOPE: 1 })], wide())).toMatchObject({ ok: false, name: 'CUSTOM_NOPE' });
    expect(findCandidates(world(), [group('', { VCPU: 1 }, { requiredTraits: [new Set(['CUSTOM_X'])] })], wide()))
      .toMatchObject({ ok: false, unknown: 'trait' });
    expect(shapes(world(), [group('', { VCPU: 1 })], wide({ limit: 1 }))).toHaveLength(1);
  });
});

describe('findCandidates: sharing and trees', () => {
  const world = () => given(providerCreated(CN1), providerCreated(SHR),
    providerCreated(NUMA0, CN1, CN1), providerCreated(NUMA1, CN1, CN1), providerCreated(PF0, NUMA0, CN1),
    inventoriesSet(NUMA0, { VCPU: inv(4) }), inventoriesSet(NUMA1, { VCPU: inv(4) }),
    inventoriesSet(PF0, { SRIOV_NET_VF: inv(8) }), inventoriesSet(SHR, { DISK_GB: inv(100) }),
    traits(SHR, 'MISC_SHARES_VIA_AGGREGATE'), traits(NUMA1, 'HW_CPU_X86_AVX2'), aggs(SHR, AGG), aggs(CN1, AGG)).ledger;

  it('spreads the unsuffixed group over a tree and a sharing provider', () => {
    expect(shapes(world(), [group('', { VCPU: 1, DISK_GB: 10 })])).toEqual(['n0:VCPU=1 sh:DISK_GB=10', 'n1:VCPU=1 sh:DISK_GB=10']);
  });

  it('needs the traits on the providers it uses', () => {
    expect(shapes(world(), [group('', { VCPU: 1 }, { requiredTraits: [new Set(['HW_CPU_X86_AVX2'])] })]))
      .toEqual(['n1:VCPU=1']);
  });

  it('keeps granular groups on one provider each; isolate keeps them apart', () => {
    const groups = [group('1', { VCPU: 1 }), group('2', { VCPU: 1 })];
    expect(shapes(world(), groups, wide({ groupPolicy: 'none' })))
      .toEqual(['n0:VCPU=1 n1:VCPU=1', 'n0:VCPU=1 n1:VCPU=1', 'n0:VCPU=2', 'n1:VCPU=2']);
    expect(shapes(world(), groups, wide({ groupPolicy: 'isolate' }))).toEqual(['n0:VCPU=1 n1:VCPU=1', 'n0:VCPU=1 n1:VCPU=1']);
  });

  it('same_subtree keeps groups under one of their providers', () => {
    const groups = [group('A', { VCPU: 1 }), group('B', { SRIOV_NET_VF: 1 })];
    expect(shapes(world(), groups, wide({ groupPolicy: 'none', sameSubtrees: [new Set(['A', 'B'])] })))
      .toEqual(['n0:VCPU=1 pf:SRIOV_NET_VF=1']);
    expect(inSameSubtree(world(), new Set([CN1, PF0]))).toBe(true);
    expect(inSameSubtree(world(), new Set([NUMA1, PF0]))).toBe(false);
  });

  it('below 1.29 drops candidates using two providers of one tree', () => {
    expect(shapes(world(), [group('', { VCPU: 1, SRIOV_NET_VF: 1 })], wide({ nestedAware: false }))).toEqual([]);
    expect(shapes(world(), [group('', { VCPU: 1, SRIOV_NET_VF: 1 })])).toHaveLength(2);
  });

  it('root_required filters anchors by the root\'s traits', () => {
    expect(shapes(world(), [group('', { DISK_GB: 1 })], wide({ rootForbidden: new Set(['MISC_SHARES_VIA_AGGREGATE']) })))
      .toEqual(['sh:DISK_GB=1']);
    expect(shapes(world(), [group('', { DISK_GB: 1 })], wide({ rootRequired: new Set(['HW_CPU_X86_AVX2']) }))).toEqual([]);
  });
});

describe('product', () => {
  it('varies the last list fastest and is empty when a list is', () => {
    expect([...product<number | string>([[1, 2], ['a', 'b']])]).toEqual([[1, 'a'], [1, 'b'], [2, 'a'], [2, 'b']]);
    expect([...product([[1], []])]).toEqual([]);
  });
});
