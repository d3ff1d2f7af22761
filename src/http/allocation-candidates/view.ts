/**
 * @module http/allocation-candidates/view
 * allocation_requests and provider_summaries as each microversion shows
 * them: a list of allocations before 1.12, a dict by provider from 1.12,
 * mappings from 1.34; summaries show only requested classes before 1.27,
 * traits from 1.17 and parent / root uuids from 1.29.
 */
import type { AllocationRequest, Candidates, ProviderSummary } from '../../domain/candidates/index.ts';
import { atLeast, byVersion, type Version } from '../microversion.ts';

type Json = Record<string, unknown>;

/** Provider -> class -> amount, in first-seen order. */
function byProvider(r: AllocationRequest): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const x of r.resources) {
    const res = out.get(x.provider) ?? {};
    out.set(x.provider, res);
    res[x.resourceClass] = x.amount;
  }
  return out;
}

const listRequest = (r: AllocationRequest): Json => ({
  allocations: [...byProvider(r)].map(([uuid, resources]) => ({ resource_provider: { uuid }, resources })),
});

const dictRequest = (r: AllocationRequest): Json => ({
  allocations: Object.fromEntries([...byProvider(r)].map(([uuid, resources]) => [uuid, { resources }])),
});

const mappedRequest = (r: AllocationRequest): Json => ({
  ...dictRequest(r),
  mappings: Object.fromEntries([...r.mappings].map(([suffix, providers]) => [suffix, [...providers]])),
});

const requestView = byVersion<(r: AllocationRequest) => Json>({
  '1.10': listRequest, '1.12': dictRequest, '1.34': mappedRequest,
});

function summaryView(s: ProviderSummary, v: Version, requested: ReadonlySet<string>): Json {
  const all = atLeast(v, '1.27');
  const out: Json = {
    resources: Object.fromEntries(s.resources.filter((r) => all || requested.has(r.resourceClass))
      .map((r) => [r.resourceClass, { capacity: r.capacity, used: r.used }])),
  };
  if (atLeast(v, '1.17')) out.traits = [...s.traits];
  if (atLeast(v, '1.29')) {
    out.parent_provider_uuid = s.parentUuid;
    out.root_provider_uuid = s.rootUuid;
  }
  return out;
}

export function candidatesView(c: Candidates, v: Version, requested: ReadonlySet<string>): Json {
  const view = requestView(v);
  return {
    allocation_requests: c.allocationRequests.map(view),
    provider_summaries: Object.fromEntries(c.providerSummaries.map((s) => [s.uuid, summaryView(s, v, requested)])),
  };
}
