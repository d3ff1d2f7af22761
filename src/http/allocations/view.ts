/**
 * @module http/allocations/view
 * Allocations as GET shows them, per microversion: by consumer (1.12 adds
 * project and user, 1.28 the consumer generation, 1.38 the consumer type)
 * and by provider (1.28 adds each consumer's generation).
 */
import type { Consumer, Ledger, ResourceProvider, Resources } from '../../domain/model.ts';
import { atLeast, type Version } from '../microversion.ts';

/** What 1.38 shows for a consumer written before consumer types existed. */
export const UNKNOWN_CONSUMER_TYPE = 'unknown';

const resourcesOf = (res: Resources): Record<string, number> => Object.fromEntries(res);

export function consumerAllocationsView(ledger: Ledger, consumer: Consumer | undefined, v: Version):
  Record<string, unknown> {
  const allocations: Record<string, unknown> = {};
  for (const [rpUuid, res] of consumer?.allocations ?? []) {
    allocations[rpUuid] = { resources: resourcesOf(res), generation: ledger.providers.get(rpUuid)?.generation };
  }
  const out: Record<string, unknown> = { allocations };
  // Upstream shows the consumer's fields only when it has allocations.
  if (!consumer || consumer.allocations.size === 0 || !atLeast(v, '1.12')) return out;
  out.project_id = consumer.projectId;
  out.user_id = consumer.userId;
  if (atLeast(v, '1.28')) out.consumer_generation = consumer.generation;
  if (atLeast(v, '1.38')) out.consumer_type = consumer.consumerType ?? UNKNOWN_CONSUMER_TYPE;
  return out;
}

export function providerAllocationsView(ledger: Ledger, rp: ResourceProvider, v: Version): Record<string, unknown> {
  const allocations: Record<string, unknown> = {};
  for (const [consumerUuid, res] of rp.allocations) {
    const entry: Record<string, unknown> = { resources: resourcesOf(res) };
    if (atLeast(v, '1.28')) entry.consumer_generation = ledger.consumers.get(consumerUuid)?.generation ?? null;
    allocations[consumerUuid] = entry;
  }
  return { allocations, resource_provider_generation: rp.generation };
}
