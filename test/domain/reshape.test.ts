import { describe, expect, it } from 'vitest';
import type { Command, ConsumerAllocations } from '../../src/domain/commands.ts';
import type { PlacementEvent } from '../../src/domain/events.ts';
import { violation } from '../../src/domain/invariants.ts';
import { evolve } from '../../src/domain/evolve.ts';
import { allocated, given, inv, inventoriesSet, providerCreated } from '../support/given.ts';

const ROOT = '11111111-1111-1111-1111-111111111111';
const CHILD = '22222222-2222-2222-2222-222222222222';
const C1 = 'c1c1c1c1-0000-0000-0000-000000000001';
const C2 = 'c2c2c2c2-0000-0000-0000-000000000002';
const C3 = 'c3c3c3c3-0000-0000-0000-000000000003';

type Inv = ReturnType<typeof inv>;

const consumer = (uuid: string, allocations: Record<string, Record<string, number>>,
  consumerGeneration: number | null = 1): ConsumerAllocations =>
  ({ consumerUuid: uuid, projectId: 'p', userId: 'u', consumerGeneration, allocations });

const reshape = (inventories: Record<string, { generation: number; inventories: Record<string, Inv> }>,
  allocations: ConsumerAllocations[] = []): Command => ({ type: 'Reshape', inventories, allocations });

/** A root with VCPU and DISK_GB, C1 on VCPU, C2 on DISK_GB, and an empty child: generations 1 and 0. */
const world = () => given(
  providerCreated(ROOT), providerCreated(CHILD, ROOT, ROOT),
  inventoriesSet(ROOT, { VCPU: inv(8), DISK_GB: inv(100) }),
  allocated(C1, { [ROOT]: { VCPU: 4 } }), allocated(C2, { [ROOT]: { DISK_GB: 50 } }));

/** VCPU moves to the child, C1 with it. */
const moveVcpu = (vcpu: Inv = inv(8), c1 = 4): Command => reshape({
  [ROOT]: { generation: 1, inventories: { DISK_GB: inv(100) } },
  [CHILD]: { generation: 0, inventories: { VCPU: vcpu } },
}, [consumer(C1, { [CHILD]: { VCPU: c1 } })]);

describe('reshape', () => {
  it('moves a class and its allocations from a root to a child in one command', () => {
    world().when(moveVcpu()).thenEvents((events, l) => {
      expect(events.map((e) => e.type)).toEqual(
        ['InventoriesReplaced', 'InventoriesReplaced', 'AllocationsReplaced', 'InventoriesReplaced', 'InventoriesReplaced']);
      const root = l.providers.get(ROOT)!;
      const child = l.providers.get(CHILD)!;
      expect([...root.inventories.keys()]).toEqual(['DISK_GB']);
      expect([...child.inventories.keys()]).toEqual(['VCPU']);
      expect(Object.fromEntries(root.usages)).toEqual({ DISK_GB: 50 });
      expect(Object.fromEntries(child.usages)).toEqual({ VCPU: 4 });
      expect(l.consumers.get(C1)!.generation).toBe(2);
      expect(l.consumers.get(C2)!.generation).toBe(1);
      // Upstream's three bumps: interim inventories, allocations (the child only: C1 left the root
      // but not entirely empty-handed), final inventories.
      expect(root.generation).toBe(3);
      expect(child.generation).toBe(3);
    });
  });

  it('is one record that replays as a plain fold and keeps every invariant at every step', () => {
    const g = world();
    const d = g.when(moveVcpu()).decision;
    const replay = world().ledger;
    for (const e of d.events!) {
      expect(violation(replay, e)).toBeNull();
      evolve(replay, e, '2026-01-01T00:00:00.000Z');
    }
    expect(replay.providers.get(CHILD)!.usages.get('VCPU')).toBe(4);
  });

  it('checks capacity against the new inventories, not the old', () => {
    // The child's new VCPU inventory is too small for what moves there...
    world().when(moveVcpu(inv(2, { max_unit: 8 }))).thenRejects('Conflict',
      `Unable to allocate inventory: Unable to create allocation for 'VCPU' on resource provider '${CHILD}'. ` +
      'The requested amount would exceed the capacity.');
    // ...and constraints are the new ones too.
    world().when(moveVcpu(inv(8, { max_unit: 2 }))).thenRejects('Conflict', /violate inventory constraints/);
    // A root whose VCPU grows in the same reshape takes more than the old inventory held.
    world().when(reshape({ [ROOT]: { generation: 1, inventories: { VCPU: inv(16), DISK_GB: inv(100) } } },
      [consumer(C1, { [ROOT]: { VCPU: 12 } })])).thenEvents((_, l) => {
      expect(l.providers.get(ROOT)!.usages.get('VCPU')).toBe(12);
    });
  });

  it('refuses a provider that does not exist, then a stale generation, in body order', () => {
    const MISSING = '39bafc00-3fff-444d-b87a-2ead3f866e05';
    world().when(reshape({ [MISSING]: { generation: 0, inventories: {} }, [ROOT]: { generation: 9, inventories: {} } }))
      .thenRejects('ProviderNotFoundInRequest',
        `Resource provider ${MISSING} in inventories not found: No resource provider with uuid ${MISSING} found`);
    world().when(reshape({ [ROOT]: { generation: 0, inventories: { VCPU: inv(8), DISK_GB: inv(100) } } }))
      .thenRejects('ProviderGenerationConflict',
        `resource provider generation conflict for provider ${ROOT}: actual: 1, given: 0`);
  });

  it('checks consumer generations and the providers allocations name', () => {
    world().when(reshape({ [CHILD]: { generation: 0, inventories: { VCPU: inv(8) } } },
      [consumer(C3, { [CHILD]: { VCPU: 1 } }, 99)]))
      .thenRejects('ConsumerGenerationConflict', 'consumer generation conflict - expected null but got 99');
    const NOWHERE = '33333333-3333-3333-3333-333333333333';
    world().when(reshape({ [CHILD]: { generation: 0, inventories: { VCPU: inv(8) } } },
      [consumer(C1, { [NOWHERE]: { VCPU: 1 } })]))
      .thenRejects('BadRequest', `Allocation for resource provider '${NOWHERE}' that does not exist.`);
  });

  it('calls an unknown class malformed reshaper data, in inventories or allocations', () => {
    world().when(reshape({ [CHILD]: { generation: 0, inventories: { DISK_OF_STEEL: inv(8) } } }))
      .thenRejects('BadRequest', 'malformed reshaper data: No such resource class DISK_OF_STEEL.');
    world().when(reshape({ [CHILD]: { generation: 0, inventories: { VCPU: inv(8) } } },
      [consumer(C1, { [CHILD]: { VCPU: 4, BOGUS: 1 } })]))
      .thenRejects('BadRequest', 'malformed reshaper data: No such resource class BOGUS.');
  });

  it('refuses to drop a class whose allocations stay behind', () => {
    // No allocations move: C1's VCPU stays on the root, whose new inventory lacks VCPU.
    world().when(reshape({ [ROOT]: { generation: 1, inventories: { DISK_GB: inv(100) } } }))
      .thenRejects('InventoryInUse', `update conflict: Inventory for 'VCPU' on resource provider '${ROOT}' in use.`);
    // C2 moves only part of its allocations away: DISK_GB is still in use on the root.
    world().when(reshape({ [ROOT]: { generation: 1, inventories: { VCPU: inv(8) } },
      [CHILD]: { generation: 0, inventories: { DISK_GB: inv(100) } } },
    [consumer(C2, { [ROOT]: { DISK_GB: 10 }, [CHILD]: { DISK_GB: 40 } })]))
      .thenRejects('InventoryInUse', /'DISK_GB' on resource provider '1111/);
  });

  it('empties a provider: no interim bump, and a consumer leaving it entirely bumps it', () => {
    const g = world();
    g.when(moveVcpu()).thenEvents();
    // Now move VCPU back; C1 comes back under a new consumer C3 and C1's allocations go.
    g.when(reshape({
      [ROOT]: { generation: 3, inventories: { DISK_GB: inv(100), VCPU: inv(8) } },
      [CHILD]: { generation: 3, inventories: {} },
    }, [consumer(C3, { [ROOT]: { VCPU: 4 } }, null), consumer(C1, {}, 2)])).thenEvents((events, l) => {
      expect(events.filter((e) => e.type === 'InventoriesReplaced').map((e) => (e as { uuid: string }).uuid))
        .toEqual([ROOT, ROOT, CHILD]);
      expect(l.providers.get(ROOT)!.generation).toBe(6);
      expect(l.providers.get(CHILD)!.generation).toBe(5);
      expect(l.providers.get(CHILD)!.inventories.size).toBe(0);
      expect(l.consumers.has(C1)).toBe(false);
      expect(l.consumers.get(C3)!.generation).toBe(1);
    });
  });

  it('with no allocations replaces inventories only, bumping each provider twice', () => {
    world().when(reshape({ [CHILD]: { generation: 0, inventories: { VCPU: inv(8) } } })).thenEvents((events, l) => {
      expect(events.every((e: PlacementEvent) => e.type === 'InventoriesReplaced')).toBe(true);
      expect(l.providers.get(CHILD)!.generation).toBe(2);
      expect(l.providers.get(ROOT)!.generation).toBe(1);
    });
  });

  it('does not make the reserved-versus-total check, as upstream reshaper does not', () => {
    world().when(reshape({ [CHILD]: { generation: 0, inventories: { VCPU: inv(8, { reserved: 8 }) } } })).thenEvents();
  });

  it('sets the consumer type given from 1.38 and keeps the old one otherwise', () => {
    world().when(reshape({ [ROOT]: { generation: 1, inventories: { VCPU: inv(8), DISK_GB: inv(100) } } },
      [{ ...consumer(C1, { [ROOT]: { VCPU: 2 } }), consumerType: 'RESHAPED' }, consumer(C2, { [ROOT]: { DISK_GB: 5 } })]))
      .thenEvents((_, l) => {
        expect(l.consumers.get(C1)!.consumerType).toBe('RESHAPED');
        expect(l.consumers.get(C2)!.consumerType).toBeNull();
      });
  });
});
