/**
 * @module domain/model
 * The in-memory ledger: what Placement knows, shaped for reads by index.
 * Pure data; mutated only by `evolve`.
 */
import type { BoundedMap } from './bounded-map.ts';

/** Capacity rules of one resource class on one provider. */
export interface Inventory {
  readonly total: number;
  readonly reserved: number;
  readonly minUnit: number;
  readonly maxUnit: number;
  readonly stepSize: number;
  readonly allocationRatio: number;
}

/** Amounts per resource class, e.g. { VCPU: 2, MEMORY_MB: 512 }. */
export type Resources = ReadonlyMap<string, number>;

export interface ResourceProvider {
  readonly uuid: string;
  name: string;
  generation: number;
  parentUuid: string | null;
  rootUuid: string;
  readonly children: Set<string>;
  inventories: Map<string, Inventory>;
  /** Sum of all consumers' allocations, per class. */
  readonly usages: Map<string, number>;
  /** consumer uuid -> that consumer's resources here (same Map object as in the consumer). */
  readonly allocations: Map<string, Resources>;
  traits: Set<string>;
  aggregates: Set<string>;
  readonly createdAt: string;
  updatedAt: string;
}

/** Never changed in place (a change stores a new one): a snapshot can encode them after the moment it is of. */
export interface Consumer {
  readonly uuid: string;
  readonly projectId: string;
  readonly userId: string;
  readonly generation: number;
  /** null: created before 1.38 (shown as 'unknown'). */
  readonly consumerType: string | null;
  /** provider uuid -> resources. */
  readonly allocations: ReadonlyMap<string, Resources>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What the consumers of one project, user and type hold together. */
export interface UsageTotal {
  consumers: number;
  readonly resources: Map<string, number>;
}

export interface ResourceClass {
  name: string;
  readonly id: number;
  readonly standard: boolean;
  readonly createdAt: string | null;
  updatedAt: string | null;
}

export interface Trait {
  readonly name: string;
  readonly standard: boolean;
  readonly createdAt: string | null;
  updatedAt: string | null;
}

/** What a decided command left behind, for at-most-once replies: its events, or the core's refusal. */
export interface AppliedCommand {
  readonly seq: number;
  readonly events: readonly import('./events.ts').PlacementEvent[];
  readonly refused?: import('./rejections.ts').Rejection;
}

export interface Ledger {
  readonly providers: Map<string, ResourceProvider>;
  /** name -> uuid; names are unique. */
  readonly providerNames: Map<string, string>;
  readonly consumers: Map<string, Consumer>;
  readonly resourceClasses: Map<string, ResourceClass>;
  nextCustomClassId: number;
  readonly traits: Map<string, Trait>;
  /** Indexes for candidate search: class -> providers with inventory of it, etc. */
  readonly providersByClass: Map<string, Set<string>>;
  readonly providersByTrait: Map<string, Set<string>>;
  readonly providersByAggregate: Map<string, Set<string>>;
  /** Usage sums per project, then user, then consumer type (null: none): /usages without a scan. */
  readonly projectUsages: Map<string, Map<string, Map<string | null, UsageTotal>>>;
  /** Last stream sequence folded in (0 = empty log). */
  lastSeq: number;
  /** Highest writer epoch seen. */
  epoch: number;
  /** commandId -> outcome, bounded (oldest dropped first). */
  readonly appliedCommands: BoundedMap<string, AppliedCommand>;
}

export const FIRST_CUSTOM_CLASS_ID = 10000;
/** Enough to outlast the 30 s redelivery wait at several thousand commands/s. */
export const APPLIED_COMMANDS_MAX = 200_000;
/** Of those, the newest whose events survive a restart (what a duplicate's reply carries); older ones keep their seq. */
export const REMEMBERED_EVENTS_MAX = 10_000;
