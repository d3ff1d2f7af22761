import { describe, expect, it } from 'vitest';
import type { PlacementEvent } from '../../src/domain/events.ts';
import { queryProviders, type ProviderQuery } from '../../src/domain/queries/providers.ts';
import { listTraits } from '../../src/domain/queries/traits.ts';
import { allocated, given, inv, inventoriesSet, providerCreated } from '../support/given.ts';

const [ROOT, CHILD, OTHER, LONE] = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222',
  '33333333-3333-4333-8333-333333333333', '44444444-4444-4444-8444-444444444444'];
const [AGG_A, AGG_B] = ['aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'];

const traits = (uuid: string, ...names: string[]): PlacementEvent =>
  ({ type: 'ProviderTraitsReplaced', uuid, generation: 1, traits: names });
const aggs = (uuid: string, ...aggregates: string[]): PlacementEvent =>
  ({ type: 'ProviderAggregatesReplaced', uuid, generation: 0, aggregates });

function world() {
  return given(
    providerCreated(ROOT), providerCreated(CHILD, ROOT, ROOT), providerCreated(OTHER), providerCreated(LONE),
    { type: 'TraitCreated', name: 'CUSTOM_FAST' },
    traits(ROOT, 'HW_CPU_X86_AVX2', 'CUSTOM_FAST'), traits(CHILD, 'HW_CPU_X86_SSE'), traits(OTHER, 'HW_CPU_X86_AVX2'),
    aggs(ROOT, AGG_A), aggs(OTHER, AGG_A, AGG_B), aggs(LONE, AGG_B),
    inventoriesSet(ROOT, { VCPU: inv(8, { reserved: 2, allocation_ratio: 2 }) }),
    inventoriesSet(OTHER, { VCPU: inv(4), DISK_GB: inv(100, { min_unit: 10, max_unit: 50, step_size: 10 }) }),
    allocated('c1', { [ROOT]: { VCPU: 10 } }),
  ).ledger;
}

const uuids = (q: ProviderQuery) => {
  const r = queryProviders(world(), q);
  if (!r.ok) throw new Error(`unknown ${r.unknown} ${r.name}`);
  return r.providers.map((p) => p.uuid);
};

describe('queryProviders', () => {
  it('lists every provider in creation order without filters', () => {
    expect(uuids({})).toEqual([ROOT, CHILD, OTHER, LONE]);
  });

  it('is capacity aware: (total - reserved) * ratio - used', () => {
    // ROOT: (8 - 2) * 2 = 12, 10 used: room for 2.
    expect(uuids({ resources: new Map([['VCPU', 2]]) })).toEqual([ROOT, OTHER]);
    expect(uuids({ resources: new Map([['VCPU', 3]]) })).toEqual([OTHER]);
  });

  it('honours min_unit, max_unit and step_size', () => {
    expect(uuids({ resources: new Map([['DISK_GB', 20]]) })).toEqual([OTHER]);
    for (const amount of [5, 25, 60]) expect(uuids({ resources: new Map([['DISK_GB', amount]]) })).toEqual([]);
  });

  it('ANDs trait groups, ORs within a group, and drops forbidden traits', () => {
    expect(uuids({ requiredTraits: [new Set(['HW_CPU_X86_AVX2'])] })).toEqual([ROOT, OTHER]);
    expect(uuids({ requiredTraits: [new Set(['HW_CPU_X86_AVX2']), new Set(['CUSTOM_FAST'])] })).toEqual([ROOT]);
    expect(uuids({ requiredTraits: [new Set(['CUSTOM_FAST', 'HW_CPU_X86_SSE'])] })).toEqual([ROOT, CHILD]);
    expect(uuids({ forbiddenTraits: new Set(['HW_CPU_X86_AVX2']) })).toEqual([CHILD, LONE]);
  });

  it('ANDs member_of groups and drops forbidden aggregates', () => {
    expect(uuids({ memberOf: [new Set([AGG_A]), new Set([AGG_B])] })).toEqual([OTHER]);
    expect(uuids({ memberOf: [new Set([AGG_A, AGG_B])] })).toEqual([ROOT, OTHER, LONE]);
    expect(uuids({ memberOf: [new Set([AGG_A])], forbiddenAggregates: new Set([AGG_B]) })).toEqual([ROOT]);
    expect(uuids({ forbiddenAggregates: new Set([AGG_A, AGG_B]) })).toEqual([CHILD]);
  });

  it('keeps in_tree to the tree of the given provider', () => {
    expect(uuids({ inTree: CHILD })).toEqual([ROOT, CHILD]);
    expect(uuids({ inTree: CHILD, requiredTraits: [new Set(['HW_CPU_X86_AVX2'])] })).toEqual([ROOT]);
    expect(uuids({ inTree: '99999999-9999-4999-8999-999999999999' })).toEqual([]);
  });

  it('names unknown traits and classes, after upstream\'s early empty answers', () => {
    const l = world();
    expect(queryProviders(l, { requiredTraits: [new Set(['CUSTOM_NOPE'])] }))
      .toEqual({ ok: false, unknown: 'trait', name: 'CUSTOM_NOPE' });
    expect(queryProviders(l, { forbiddenTraits: new Set(['CUSTOM_NOPE']) }))
      .toEqual({ ok: false, unknown: 'trait', name: 'CUSTOM_NOPE' });
    expect(queryProviders(l, { resources: new Map([['CUSTOM_NOPE', 1]]) }))
      .toEqual({ ok: false, unknown: 'resourceClass', name: 'CUSTOM_NOPE' });
    // No provider in the aggregate: upstream answers [] before it looks the class up.
    expect(queryProviders(l, { memberOf: [new Set(['cccccccc-cccc-4ccc-8ccc-cccccccccccc'])],
      resources: new Map([['CUSTOM_NOPE', 1]]) })).toEqual({ ok: true, providers: [] });
  });
});

describe('listTraits', () => {
  it('reads startswith as SQL LIKE and filters by association', () => {
    const l = world();
    expect(listTraits(l, { prefix: 'CUSTOM_' }).map((t) => t.name)).toEqual(['CUSTOM_FAST']);
    expect(listTraits(l, { prefix: 'HW_CPU_X86_AVX2', associated: true }).map((t) => t.name)).toEqual(['HW_CPU_X86_AVX2']);
    expect(listTraits(l, { nameIn: ['CUSTOM_FAST', 'NOPE'], associated: false })).toEqual([]);
  });
});
