/**
 * @module domain/commands
 * Every write Placement accepts, as plain data. The HTTP front and NATS
 * publishers build these; `decide` turns one into events or a rejection.
 * Version-dependent rules arrive as explicit flags, decided at the edge.
 */
import type { InventoryData } from './events.ts';

export type ResourcesData = Record<string, number>;

export interface CreateResourceProvider {
  readonly type: 'CreateResourceProvider';
  readonly uuid: string;
  readonly name: string;
  readonly parentUuid: string | null;
}

export interface UpdateResourceProvider {
  readonly type: 'UpdateResourceProvider';
  readonly uuid: string;
  readonly name: string;
  /** undefined: leave the parent as it is. */
  readonly parentUuid?: string | null;
  /** 1.37+: a provider may change or lose its parent. */
  readonly allowReparent: boolean;
}

export interface DeleteResourceProvider {
  readonly type: 'DeleteResourceProvider';
  readonly uuid: string;
}

export type InventoryChange =
  | { readonly kind: 'replace'; readonly inventories: Record<string, InventoryData> }
  | { readonly kind: 'add'; readonly resourceClass: string; readonly inventory: InventoryData }
  | { readonly kind: 'update'; readonly resourceClass: string; readonly inventory: InventoryData }
  | { readonly kind: 'delete'; readonly resourceClass: string }
  | { readonly kind: 'delete-all' };

export interface ChangeInventories {
  readonly type: 'ChangeInventories';
  readonly uuid: string;
  /** Expected provider generation; null: not checked. */
  readonly generation: number | null;
  readonly change: InventoryChange;
  /** 1.26+: reserved may equal total. */
  readonly reservedMayEqualTotal: boolean;
}

export interface CreateResourceClass {
  readonly type: 'CreateResourceClass';
  readonly name: string;
  /** PUT at 1.7+: an existing class is fine (no event). */
  readonly ifAbsent: boolean;
}

export interface RenameResourceClass {
  readonly type: 'RenameResourceClass';
  readonly name: string;
  readonly newName: string;
}

export interface DeleteResourceClass {
  readonly type: 'DeleteResourceClass';
  readonly name: string;
}

export interface CreateTrait {
  readonly type: 'CreateTrait';
  readonly name: string;
}

export interface DeleteTrait {
  readonly type: 'DeleteTrait';
  readonly name: string;
}

export interface SetProviderTraits {
  readonly type: 'SetProviderTraits';
  readonly uuid: string;
  /** null: not checked (DELETE of all traits). */
  readonly generation: number | null;
  readonly traits: readonly string[];
}

export interface SetProviderAggregates {
  readonly type: 'SetProviderAggregates';
  readonly uuid: string;
  /** null: not checked (before 1.19). */
  readonly generation: number | null;
  readonly aggregates: readonly string[];
  /** 1.19+ bumps the provider generation; older writes do not. */
  readonly bumpGeneration: boolean;
}

export interface ConsumerAllocations {
  readonly consumerUuid: string;
  readonly projectId: string;
  readonly userId: string;
  /**
   * 1.28+: expected consumer generation, null for a consumer that must be new.
   * undefined: not checked (before 1.28).
   */
  readonly consumerGeneration?: number | null;
  /** 1.38+: the consumer type; undefined keeps the existing one. */
  readonly consumerType?: string;
  /** provider uuid -> resources; empty removes the consumer's allocations. */
  readonly allocations: Record<string, ResourcesData>;
}

export interface ReplaceAllocations {
  readonly type: 'ReplaceAllocations';
  readonly consumers: readonly ConsumerAllocations[];
  /** 'post' (POST /allocations) words errors slightly differently from 'put'. */
  readonly via: 'put' | 'post';
}

export interface DeleteAllocations {
  readonly type: 'DeleteAllocations';
  readonly consumerUuid: string;
}

/** One provider's side of a reshape: its expected generation and all its new inventories. */
export interface ProviderInventories {
  readonly generation: number;
  readonly inventories: Record<string, InventoryData>;
}

/**
 * POST /reshaper (1.30): providers' inventories and consumers' allocations
 * replaced together, so allocations can move between providers (a class
 * moving from a root to a new child) in one step, all or nothing.
 */
export interface Reshape {
  readonly type: 'Reshape';
  /** provider uuid -> its new inventories; at least one provider. */
  readonly inventories: Record<string, ProviderInventories>;
  /** As ReplaceAllocations' consumers; may be empty. */
  readonly allocations: readonly ConsumerAllocations[];
}

export type Command =
  | CreateResourceProvider
  | UpdateResourceProvider
  | DeleteResourceProvider
  | ChangeInventories
  | CreateResourceClass
  | RenameResourceClass
  | DeleteResourceClass
  | CreateTrait
  | DeleteTrait
  | SetProviderTraits
  | SetProviderAggregates
  | ReplaceAllocations
  | DeleteAllocations
  | Reshape;

export type CommandType = Command['type'];

/** Where a command came from and when it is decided; stamped by the writer shell. */
export interface CommandContext {
  readonly commandId: string;
  readonly requestId: string;
  /** ISO-8601 time the writer decided the command. */
  readonly at: string;
}
