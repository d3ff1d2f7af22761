/**
 * @module domain/events
 * Facts, past tense. Each carries the full new value of what it changed
 * (generations included), so replay is a plain fold and audits need no
 * re-computation.
 */
import type { Rejection } from './rejections.ts';

export interface InventoryData {
  readonly total: number;
  readonly reserved: number;
  readonly min_unit: number;
  readonly max_unit: number;
  readonly step_size: number;
  readonly allocation_ratio: number;
}

export interface WriterStarted {
  readonly type: 'WriterStarted';
  readonly epoch: number;
}

export interface ResourceProviderCreated {
  readonly type: 'ResourceProviderCreated';
  readonly uuid: string;
  readonly name: string;
  readonly parentUuid: string | null;
  readonly rootUuid: string;
}

export interface ResourceProviderUpdated {
  readonly type: 'ResourceProviderUpdated';
  readonly uuid: string;
  readonly name: string;
  readonly parentUuid: string | null;
  readonly rootUuid: string;
  readonly generation: number;
}

export interface ResourceProviderDeleted {
  readonly type: 'ResourceProviderDeleted';
  readonly uuid: string;
}

export interface InventoriesReplaced {
  readonly type: 'InventoriesReplaced';
  readonly uuid: string;
  readonly generation: number;
  readonly inventories: Record<string, InventoryData>;
}

export interface ResourceClassCreated {
  readonly type: 'ResourceClassCreated';
  readonly name: string;
  readonly id: number;
}

export interface ResourceClassRenamed {
  readonly type: 'ResourceClassRenamed';
  readonly name: string;
  readonly newName: string;
}

export interface ResourceClassDeleted {
  readonly type: 'ResourceClassDeleted';
  readonly name: string;
}

export interface TraitCreated {
  readonly type: 'TraitCreated';
  readonly name: string;
}

export interface TraitDeleted {
  readonly type: 'TraitDeleted';
  readonly name: string;
}

export interface ProviderTraitsReplaced {
  readonly type: 'ProviderTraitsReplaced';
  readonly uuid: string;
  readonly generation: number;
  readonly traits: readonly string[];
}

export interface ProviderAggregatesReplaced {
  readonly type: 'ProviderAggregatesReplaced';
  readonly uuid: string;
  readonly generation: number;
  readonly aggregates: readonly string[];
}

export interface ConsumerAllocationsSet {
  readonly uuid: string;
  readonly projectId: string;
  readonly userId: string;
  readonly consumerType: string | null;
  /** New consumer generation; the consumer is gone when allocations is empty. */
  readonly generation: number;
  readonly allocations: Record<string, Record<string, number>>;
}

export interface AllocationsReplaced {
  readonly type: 'AllocationsReplaced';
  readonly consumers: readonly ConsumerAllocationsSet[];
  /** New generation of every provider whose generation moved. */
  readonly providerGenerations: Record<string, number>;
}

export type PlacementEvent =
  | WriterStarted
  | ResourceProviderCreated
  | ResourceProviderUpdated
  | ResourceProviderDeleted
  | InventoriesReplaced
  | ResourceClassCreated
  | ResourceClassRenamed
  | ResourceClassDeleted
  | TraitCreated
  | TraitDeleted
  | ProviderTraitsReplaced
  | ProviderAggregatesReplaced
  | AllocationsReplaced;

export type EventType = PlacementEvent['type'];

/** The events of one command, with where and when they came from. */
export interface CommandRecord {
  readonly commandId: string;
  readonly requestId: string;
  readonly at: string;
  readonly events: readonly PlacementEvent[];
  /**
   * Set when the core refused the command (then `events` is empty): logged
   * like any outcome, so a redelivery, even to a later writer, gets the same
   * "no" instead of a fresh decision against a newer state.
   */
  readonly refused?: Rejection;
}

/** One stored JetStream message: a group commit of several commands. */
export interface LogBatch {
  readonly v: 1;
  readonly epoch: number;
  readonly records: readonly CommandRecord[];
}
