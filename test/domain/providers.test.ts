import { describe, expect, it } from 'vitest';
import { allocated, given, inv, inventoriesSet, providerCreated } from '../support/given.ts';

const A = 'aaaaaaaa-0000-0000-0000-000000000001';
const B = 'bbbbbbbb-0000-0000-0000-000000000002';
const C = 'cccccccc-0000-0000-0000-000000000003';

describe('resource providers and inventories', () => {
  it('refuses duplicate names and uuids', () => {
    given(providerCreated(A))
      .when({ type: 'CreateResourceProvider', uuid: B, name: `rp-${A}`, parentUuid: null })
      .thenRejects('DuplicateName', `Conflicting resource provider name: rp-${A} already exists.`);
  });

  it('keeps roots through re-parenting and refuses loops', () => {
    const g = given(providerCreated(A), providerCreated(B, A, A), providerCreated(C));
    g.when({ type: 'UpdateResourceProvider', uuid: A, name: `rp-${A}`, parentUuid: B, allowReparent: true })
      .thenRejects('BadRequest', /creating loop/);
    g.when({ type: 'UpdateResourceProvider', uuid: A, name: `rp-${A}`, parentUuid: C, allowReparent: true })
      .thenEvents((_, l) => {
        expect(l.providers.get(A)!.rootUuid).toBe(C);
        expect(l.providers.get(B)!.rootUuid).toBe(C);
      });
  });

  it('will not delete a parent or a provider with allocations', () => {
    const g = given(providerCreated(A), providerCreated(B, A, A), inventoriesSet(B, { VCPU: inv(4) }),
      allocated('c0000000-0000-0000-0000-000000000000', { [B]: { VCPU: 1 } }));
    g.when({ type: 'DeleteResourceProvider', uuid: A }).thenRejects('CannotDeleteParent');
    g.when({ type: 'DeleteResourceProvider', uuid: B }).thenRejects('ProviderInUse');
  });

  it('checks generations and reserved against total per microversion', () => {
    const g = given(providerCreated(A));
    const put = (reservedMayEqualTotal: boolean, generation = 0) => ({
      type: 'ChangeInventories' as const, uuid: A, generation, reservedMayEqualTotal,
      change: { kind: 'replace' as const, inventories: { VCPU: inv(4, { reserved: 4 }) } },
    });
    g.when(put(true, 5)).thenRejects('ProviderGenerationConflict', 'resource provider generation conflict');
    g.when(put(false)).thenRejects('BadRequest', /greater than or equal to total/);
    g.when(put(true)).thenEvents((_, l) => expect(l.providers.get(A)!.generation).toBe(1));
  });

  it('refuses to drop inventory that is in use', () => {
    given(providerCreated(A), inventoriesSet(A, { VCPU: inv(4), DISK_GB: inv(10) }),
      allocated('c0000000-0000-0000-0000-000000000000', { [A]: { VCPU: 1, DISK_GB: 1 } }))
      .when({ type: 'ChangeInventories', uuid: A, generation: null, reservedMayEqualTotal: true, change: { kind: 'delete-all' } })
      .thenRejects('InventoryInUse', `Inventory for 'VCPU, DISK_GB' on resource provider '${A}' in use.`);
  });
});

describe('inventory capacity', () => {
  const A = 'aaaaaaaa-0000-0000-0000-00000000000a';
  it('refuses an inventory whose capacity (total - reserved) * ratio truncates to nothing', () => {
    const put = (allocation_ratio: number, reservedMayEqualTotal = true) => ({
      type: 'ChangeInventories' as const, uuid: A, generation: null, reservedMayEqualTotal,
      change: { kind: 'replace' as const, inventories: { VCPU: inv(4, { reserved: 2, allocation_ratio }) } },
    });
    given(providerCreated(A)).when(put(0, false)).thenRejects('BadRequest', /greater than or equal to total/);
    given(providerCreated(A)).when(put(0.1, false)).thenRejects('BadRequest', /greater than or equal to total/);
    given(providerCreated(A)).when(put(0)).thenEvents();
  });
});
