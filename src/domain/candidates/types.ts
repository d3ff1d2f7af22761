/**
 * @module domain/candidates/types
 * The data that flows through the candidate search: request groups and
 * request-wide options in, allocation requests and provider summaries out.
 */

/** One request group: the unsuffixed one may spread over a tree and sharing providers. */
export interface RequestGroup {
  /** '' for the unsuffixed group. */
  readonly suffix: string;
  /** Granular groups (a suffix) are satisfied by one provider. */
  readonly useSameProvider: boolean;
  readonly resources: ReadonlyMap<string, number>;
  /** AND of ORs. */
  readonly requiredTraits: readonly ReadonlySet<string>[];
  readonly forbiddenTraits: ReadonlySet<string>;
  /** AND of ORs. */
  readonly memberOf: readonly ReadonlySet<string>[];
  readonly forbiddenAggregates: ReadonlySet<string>;
  readonly inTree?: string;
}

export type GroupPolicy = 'none' | 'isolate';

export interface RequestWide {
  readonly limit?: number;
  readonly groupPolicy?: GroupPolicy;
  /** Traits the anchor (root) provider must have / must not have. */
  readonly rootRequired?: ReadonlySet<string>;
  readonly rootForbidden?: ReadonlySet<string>;
  /** Each set: suffixes whose providers must sit under one of them. */
  readonly sameSubtrees: readonly ReadonlySet<string>[];
  /** Below 1.29 a candidate may not use two providers of one tree. */
  readonly nestedAware: boolean;
}

export interface ResourceRequest {
  readonly provider: string;
  readonly resourceClass: string;
  readonly amount: number;
}

/** Resources from some providers, all under one anchor root; mappings: suffix -> providers. */
export interface AllocationRequest {
  readonly anchor: string;
  readonly resources: readonly ResourceRequest[];
  readonly mappings: ReadonlyMap<string, ReadonlySet<string>>;
}

/** One group's answer: an allocation request, and whether it came from a granular group. */
export interface GroupRequest extends AllocationRequest {
  readonly useSameProvider: boolean;
}

export interface SummaryResource {
  readonly resourceClass: string;
  readonly capacity: number;
  readonly used: number;
}

export interface ProviderSummary {
  readonly uuid: string;
  readonly parentUuid: string | null;
  readonly rootUuid: string;
  readonly resources: readonly SummaryResource[];
  readonly traits: readonly string[];
}

export interface Candidates {
  readonly allocationRequests: readonly AllocationRequest[];
  readonly providerSummaries: readonly ProviderSummary[];
}

export type CandidatesResult =
  | ({ readonly ok: true } & Candidates)
  | { readonly ok: false; readonly unknown: 'trait' | 'resourceClass'; readonly name: string };

export const NO_CANDIDATES: CandidatesResult = { ok: true, allocationRequests: [], providerSummaries: [] };
