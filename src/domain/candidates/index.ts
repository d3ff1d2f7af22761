/**
 * @module domain/candidates
 * Allocation candidate search: request groups -> allocation requests +
 * provider summaries.
 */
export { findCandidates } from './search.ts';
export { inSameSubtree } from './merge.ts';
export type {
  AllocationRequest, Candidates, CandidatesResult, GroupPolicy, ProviderSummary, RequestGroup, RequestWide,
  ResourceRequest, SummaryResource,
} from './types.ts';
