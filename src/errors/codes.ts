/**
 * @module errors/codes
 * Placement's error code strings (from microversion 1.23). These strings are
 * interface: clients match on them. Never edit or reuse one.
 */
export const Code = {
  Undefined: 'placement.undefined_code',
  InventoryInUse: 'placement.inventory.inuse',
  ConcurrentUpdate: 'placement.concurrent_update',
  DuplicateName: 'placement.duplicate_name',
  ProviderInUse: 'placement.resource_provider.inuse',
  ProviderCannotDeleteParent: 'placement.resource_provider.cannot_delete_parent',
  ProviderNotFound: 'placement.resource_provider.not_found',
  QueryDuplicateKey: 'placement.query.duplicate_key',
  QueryBadValue: 'placement.query.bad_value',
  QueryMissingValue: 'placement.query.missing_value',
} as const;
export type Code = (typeof Code)[keyof typeof Code];
