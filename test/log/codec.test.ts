import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch } from '../../src/log/codec.ts';
import type { CommandRecord, LogBatch, PlacementEvent } from '../../src/domain/events.ts';

const inv = { total: 8, reserved: 0, min_unit: 1, max_unit: 8, step_size: 1, allocation_ratio: 16 };
const every: PlacementEvent[] = [
  { type: 'WriterStarted', epoch: 3 },
  { type: 'ResourceProviderCreated', uuid: 'rp-1', name: 'cn "1" ü', parentUuid: null, rootUuid: 'rp-1' },
  { type: 'ResourceProviderUpdated', uuid: 'rp-1', name: 'cn1', parentUuid: null, rootUuid: 'rp-1', generation: 1 },
  { type: 'InventoriesReplaced', uuid: 'rp-1', generation: 2, inventories: { VCPU: inv, MEMORY_MB: inv } },
  { type: 'ResourceClassCreated', name: 'CUSTOM_X', id: 10000 },
  { type: 'ResourceClassRenamed', name: 'CUSTOM_X', newName: 'CUSTOM_Y' },
  { type: 'ResourceClassDeleted', name: 'CUSTOM_Y' },
  { type: 'TraitCreated', name: 'CUSTOM_T' },
  { type: 'TraitDeleted', name: 'CUSTOM_T' },
  { type: 'ProviderTraitsReplaced', uuid: 'rp-1', generation: 3, traits: ['HW_CPU_X86_AVX'] },
  { type: 'ProviderAggregatesReplaced', uuid: 'rp-1', generation: 4, aggregates: ['agg-1'] },
  {
    type: 'AllocationsReplaced',
    consumers: [
      { uuid: 'c-1', projectId: 'p', userId: 'u', consumerType: null, generation: 1,
        allocations: { 'rp-1': { VCPU: 2, MEMORY_MB: 2 ** 53 - 1 }, 'rp-2': { DISK_GB: 1 } } },
      { uuid: 'c-2', projectId: 'p', userId: 'u2', consumerType: 'MIGRATION', generation: 7, allocations: {} },
    ],
    providerGenerations: { 'rp-1': 5, 'rp-2': 9 },
  },
  { type: 'AllocationsReplaced', consumers: [], providerGenerations: {} },
  { type: 'ResourceProviderDeleted', uuid: 'rp-1' },
];
const records: CommandRecord[] = [
  { commandId: 'cmd-1', requestId: 'req-1', at: '2026-12-04T00:00:00.000Z', events: every.slice(0, 6) },
  { commandId: 'cmd-2', requestId: '', at: '2026-12-04T00:00:00.000Z', events: [],
    refused: { kind: 'Conflict', detail: 'generation moved' } },
  { commandId: 'cmd-3', requestId: 'req-1', at: '2026-12-04T00:00:01.000Z', events: every.slice(6) },
];
const batch: LogBatch = { v: 1, epoch: 3, records };
const bytes = (s: string) => new TextEncoder().encode(s);

describe('log codec', () => {
  it('decodes what it encodes, every event type, key order kept', () => {
    const back = decodeBatch(encodeBatch(batch));
    expect(back).toEqual(batch);
    expect(JSON.stringify(back)).toBe(JSON.stringify(batch));
  });

  it('writes v2 columns: allocations as numbers, not objects keyed by uuid', () => {
    const stored = JSON.parse(new TextDecoder().decode(encodeBatch(batch)));
    expect(stored.v).toBe(2);
    expect(stored.events.map((e: PlacementEvent) => e.type)).not.toContain('AllocationsReplaced');
    expect(stored.ops.every((n: unknown) => typeof n === 'number')).toBe(true);
  });

  it('still reads v1 batches (logs written before v2)', () => {
    expect(decodeBatch(bytes(JSON.stringify(batch)))).toEqual(batch);
  });

  it('refuses what it did not write', () => {
    const good = JSON.parse(new TextDecoder().decode(encodeBatch(batch)));
    for (const bad of [
      'not json', '{}', '{"v":3,"epoch":1,"records":[]}', '{"v":1,"epoch":1}',
      JSON.stringify({ ...good, ops: good.ops.slice(0, -1) }),
      JSON.stringify({ ...good, ops: [...good.ops, 0] }),
      JSON.stringify({ ...good, strings: good.strings.slice(0, 2) }),
      JSON.stringify({ ...good, events: [] }),
      JSON.stringify({ ...good, refused: [] }),
      JSON.stringify({ ...good, ops: good.ops.map((n: number, i: number) => (i === 5 ? 9 : n)) }),
    ]) expect(decodeBatch(bytes(bad)), bad).toBeNull();
  });
});
