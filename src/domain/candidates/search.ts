/**
 * @module domain/candidates/search
 * GET /allocation_candidates as a pipeline of pure stages:
 *   anchors (root_required) -> per group: context -> single-provider or tree
 *   requests -> merge groups -> drop nested ones below 1.29 -> limit ->
 *   provider summaries.
 * Any group without an answer ends the search with no candidates.
 */
import type { Ledger } from '../model.ts';
import { anchorRoots, type AnchorFilter } from './anchors.ts';
import { groupContext } from './group-context.ts';
import { mergeGroups } from './merge.ts';
import { hasTrees, sharingProviders } from './sharing.ts';
import { singleProviderRequests } from './single-provider.ts';
import { rootsUsed, summariesFor, summaryOf, traitOrder } from './summaries.ts';
import { treeRequests } from './tree-providers.ts';
import {
  NO_CANDIDATES, type AllocationRequest, type CandidatesResult, type GroupRequest, type ProviderSummary,
  type RequestGroup, type RequestWide,
} from './types.ts';

type GroupsResult = { ok: true; answers: Map<string, GroupRequest[]> } | Exclude<CandidatesResult, { ok: true }> | null;

/** Each group's requests, in group order; null when some group has none. */
function answerGroups(ledger: Ledger, groups: readonly RequestGroup[], anchors: AnchorFilter, nested: boolean):
  GroupsResult {
  const sharing = sharingProviders(ledger);
  const answers = new Map<string, GroupRequest[]>();
  for (const group of groups) {
    const ctx = groupContext(ledger, group);
    if (ctx.ok === 'empty') return null;
    if (ctx.ok === false) return ctx;
    const spread = !group.useSameProvider && (sharing.size > 0 || nested);
    const requests = spread
      ? treeRequests(ledger, ctx.context, sharing, anchors)
      : singleProviderRequests(ledger, ctx.context, anchors);
    if (requests.length === 0) return null;
    answers.set(group.suffix, requests);
  }
  return { ok: true, answers };
}

/** Below 1.29: only candidates whose providers are each in a different tree. */
function withoutNested(ledger: Ledger, requests: readonly AllocationRequest[]): AllocationRequest[] {
  return requests.filter((r) => {
    const providers = new Set(r.resources.map((x) => x.provider));
    const roots = new Set([...providers].map((p) => ledger.providers.get(p)!.rootUuid));
    return providers.size === roots.size;
  });
}

export function findCandidates(ledger: Ledger, groups: readonly RequestGroup[], wide: RequestWide): CandidatesResult {
  const anchors = anchorRoots(ledger, wide.rootRequired, wide.rootForbidden);
  if (anchors.ok === 'empty') return NO_CANDIDATES;
  if (anchors.ok === false) return anchors;
  const nested = hasTrees(ledger);
  const answered = answerGroups(ledger, groups, anchors.anchors, nested);
  if (answered === null) return NO_CANDIDATES;
  if (!answered.ok) return answered;
  let requests = mergeGroups(ledger, answered.answers, wide);
  let summaries: ProviderSummary[];
  if (!wide.nestedAware && nested) {
    requests = withoutNested(ledger, requests);
    const used = new Set(requests.flatMap((r) => r.resources.map((x) => x.provider)));
    const order = traitOrder(ledger);
    summaries = [...used].map((uuid) => summaryOf(ledger.providers.get(uuid)!, order));
  } else {
    summaries = summariesFor(ledger, requests);
  }
  if (wide.limit !== undefined && wide.limit < requests.length) {
    requests = requests.slice(0, wide.limit);
    const roots = rootsUsed(ledger, requests);
    summaries = summaries.filter((s) => roots.has(s.rootUuid));
  }
  return { ok: true, allocationRequests: requests, providerSummaries: summaries };
}
