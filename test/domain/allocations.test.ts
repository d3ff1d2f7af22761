import { describe, expect, it } from 'vitest';
import { allocated, given, inv, inventoriesSet, providerCreated, replace } from '../support/given.ts';

const CN1 = '11111111-1111-1111-1111-111111111111';
const CN2 = '22222222-2222-2222-2222-222222222222';
const C1 = 'c1c1c1c1-0000-0000-0000-000000000001';
const C2 = 'c2c2c2c2-0000-0000-0000-000000000002';

describe('allocations', () => {
  it('refuses a claim past capacity and changes nothing', () => {
    given(providerCreated(CN1), inventoriesSet(CN1, { VCPU: inv(8) }), allocated(C1, { [CN1]: { VCPU: 6 } }))
      .when(replace([{ uuid: C2, allocations: { [CN1]: { VCPU: 3 } } }]))
      .thenRejects('Conflict', /exceed the capacity/);
  });

  it('counts capacity as (total - reserved) * allocation_ratio', () => {
    const g = given(providerCreated(CN1), inventoriesSet(CN1, { VCPU: inv(4, { reserved: 1, allocation_ratio: 2, max_unit: 10 }) }));
    g.when(replace([{ uuid: C1, allocations: { [CN1]: { VCPU: 6 } } }])).thenEvents();
    g.when(replace([{ uuid: C2, allocations: { [CN1]: { VCPU: 1 } } }])).thenRejects('Conflict', /exceed the capacity/);
  });

  it('is all or nothing across providers', () => {
    given(providerCreated(CN1), providerCreated(CN2),
      inventoriesSet(CN1, { VCPU: inv(8) }), inventoriesSet(CN2, { VCPU: inv(2) }))
      .when(replace([{ uuid: C1, allocations: { [CN1]: { VCPU: 4 }, [CN2]: { VCPU: 3 } } }]))
      .thenRejects('Conflict', new RegExp(`'${CN2}'`));
  });

  it('checks min_unit, max_unit and step_size', () => {
    const g = given(providerCreated(CN1), inventoriesSet(CN1, { DISK_GB: inv(100, { min_unit: 10, max_unit: 50, step_size: 10 }) }));
    for (const n of [5, 15, 60]) {
      g.when(replace([{ uuid: C1, allocations: { [CN1]: { DISK_GB: n } } }])).thenRejects('Conflict', /violate inventory constraints/);
    }
    g.when(replace([{ uuid: C1, allocations: { [CN1]: { DISK_GB: 20 } } }])).thenEvents();
  });

  it('lets a consumer shrink on an over-committed provider but not grow', () => {
    const g = given(providerCreated(CN1), inventoriesSet(CN1, { VCPU: inv(8) }), allocated(C1, { [CN1]: { VCPU: 8 } }),
      inventoriesSet(CN1, { VCPU: inv(4, { max_unit: 8 }) }, 2));
    g.when(replace([{ uuid: C1, allocations: { [CN1]: { VCPU: 6 } } }])).thenEvents();
    g.when(replace([{ uuid: C1, allocations: { [CN1]: { VCPU: 7 } } }])).thenRejects('Conflict', /exceed the capacity/);
  });

  it('moves a consumer between providers in one command (replace, not add)', () => {
    given(providerCreated(CN1), providerCreated(CN2), inventoriesSet(CN1, { VCPU: inv(4) }), inventoriesSet(CN2, { VCPU: inv(4) }),
      allocated(C1, { [CN1]: { VCPU: 4 } }))
      .when(replace([{ uuid: C1, allocations: { [CN1]: { VCPU: 2 }, [CN2]: { VCPU: 2 } } }]))
      .thenEvents((_, l) => {
        expect(l.providers.get(CN1)!.usages.get('VCPU')).toBe(2);
        expect(l.providers.get(CN2)!.usages.get('VCPU')).toBe(2);
        expect(l.consumers.get(C1)!.generation).toBe(2);
      });
  });

  it('checks consumer generations from 1.28 on', () => {
    const g = given(providerCreated(CN1), inventoriesSet(CN1, { VCPU: inv(8) }), allocated(C1, { [CN1]: { VCPU: 1 } }));
    g.when(replace([{ uuid: C1, generation: 3, allocations: { [CN1]: { VCPU: 2 } } }]))
      .thenRejects('ConsumerGenerationConflict', 'consumer generation conflict - expected 1 but got 3');
    g.when(replace([{ uuid: C2, generation: 5, allocations: { [CN1]: { VCPU: 2 } } }]))
      .thenRejects('ConsumerGenerationConflict', 'expected null but got 5');
  });

  it('refuses unknown providers and classes', () => {
    const g = given(providerCreated(CN1), inventoriesSet(CN1, { VCPU: inv(8) }));
    g.when(replace([{ uuid: C1, allocations: { [CN2]: { VCPU: 1 } } }])).thenRejects('BadRequest', /that does not exist/);
    g.when(replace([{ uuid: C1, allocations: { [CN1]: { COWS: 1 } } }])).thenRejects('BadRequest', /No such resource class COWS/);
    g.when(replace([{ uuid: C1, allocations: { [CN1]: { DISK_GB: 1 } } }])).thenRejects('Conflict', /Inventory for 'DISK_GB'/);
  });

  it('removes a consumer whose allocations become empty and bumps the providers it left', () => {
    given(providerCreated(CN1), inventoriesSet(CN1, { VCPU: inv(8) }), allocated(C1, { [CN1]: { VCPU: 1 } }))
      .when(replace([{ uuid: C1, allocations: {} }]))
      .thenEvents((_, l) => {
        expect(l.consumers.has(C1)).toBe(false);
        expect(l.providers.get(CN1)!.usages.size).toBe(0);
        expect(l.providers.get(CN1)!.generation).toBe(2);
      });
  });
});
