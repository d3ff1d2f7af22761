/**
 * @module http/allocations
 * /allocations/{consumer_uuid}, POST /allocations (1.13) and
 * /resource_providers/{uuid}/allocations. Every body format becomes one
 * ReplaceAllocations command: consumers keyed by provider uuid.
 */
import { Hono, type Context } from 'hono';
import type { ConsumerAllocations } from '../../domain/commands.ts';
import type { AppEnv } from '../env.ts';
import { HttpError } from '../error-format.ts';
import { checkAccept, requireContent } from '../middleware/content.ts';
import { atLeast, since, type Version } from '../microversion.ts';
import { authorize } from '../policy.ts';
import { cacheHeaders, empty, json, latest } from '../responses.ts';
import type { RouteTable } from '../routes.ts';
import { submit } from '../submit.ts';
import { canonicalUuid, isUuidLike, jsonBody } from '../validate.ts';
import { postAllocations, putAllocations, type DictBody, type ListBody, type PutBody } from './schemas.ts';
import { consumerAllocationsView, providerAllocationsView } from './view.ts';

/**
 * Who owns a consumer written without project and user (before 1.8):
 * upstream's default incomplete_consumer_project_id / _user_id.
 */
export const INCOMPLETE_CONSUMER_ID = '00000000-0000-0000-0000-000000000000';

const CONSUMER = '/allocations/:consumer_uuid';
const MANY = '/allocations';
const BY_PROVIDER = '/resource_providers/:uuid/allocations';

export function allocationRoutes(table: RouteTable): Hono<AppEnv> {
  table.declare(BY_PROVIDER, ['GET']);
  table.declare(MANY, ['POST']);
  table.declare(CONSUMER, ['GET', 'PUT', 'DELETE']);
  return new Hono<AppEnv>()
    .get(BY_PROVIDER, checkAccept(), listForProvider)
    .post(MANY, since('1.13'), requireContent(), setAllocations)
    .get(CONSUMER, checkAccept(), listForConsumer)
    .put(CONSUMER, requireContent(), setAllocationsForConsumer)
    .delete(CONSUMER, deleteAllocations);
}

type C = Context<AppEnv>;

function listForConsumer(c: C): Response {
  authorize(c, 'placement:allocations:list');
  const ledger = c.get('deps').ledger();
  const consumer = ledger.consumers.get(c.req.param('consumer_uuid')!);
  return json(consumerAllocationsView(ledger, consumer, c.get('microversion')), 200,
    cacheHeaders(c, consumer?.updatedAt));
}

function listForProvider(c: C): Response {
  authorize(c, 'placement:resource_providers:allocations:list');
  const uuid = c.req.param('uuid')!;
  const ledger = c.get('deps').ledger();
  const rp = ledger.providers.get(uuid);
  if (!rp) {
    throw new HttpError({ status: 404,
      detail: `Resource provider '${uuid}' not found: No resource provider with uuid ${uuid} found` });
  }
  const modified = latest([...rp.allocations.keys()].map((id) => ledger.consumers.get(id)?.updatedAt));
  return json(providerAllocationsView(ledger, rp, c.get('microversion')), 200, cacheHeaders(c, modified));
}

/** One consumer's body (any version) as the command's shape. */
export function consumerAllocations(consumerUuid: string, body: PutBody, v: Version): ConsumerAllocations {
  const allocations: Record<string, Record<string, number>> = {};
  if (Array.isArray(body.allocations)) {
    // Before 1.12: a list; a provider named twice keeps its last entry, as upstream.
    for (const item of (body as ListBody).allocations) {
      allocations[item.resource_provider.uuid] = { ...item.resources };
    }
  } else {
    for (const [rpUuid, entry] of Object.entries((body as DictBody).allocations)) {
      allocations[rpUuid] = { ...entry.resources };
    }
  }
  // No project (before 1.8): both ids become the incomplete-consumer ids.
  const complete = body.project_id !== undefined;
  const dict = body as Partial<DictBody>;
  return {
    consumerUuid,
    projectId: complete ? body.project_id! : INCOMPLETE_CONSUMER_ID,
    userId: complete ? body.user_id! : INCOMPLETE_CONSUMER_ID,
    ...(atLeast(v, '1.28') ? { consumerGeneration: dict.consumer_generation ?? null } : {}),
    ...(atLeast(v, '1.38') ? { consumerType: dict.consumer_type! } : {}),
    allocations,
  };
}

async function setAllocationsForConsumer(c: C): Promise<Response> {
  authorize(c, 'placement:allocations:update');
  const raw = c.req.param('consumer_uuid')!;
  if (!isUuidLike(raw)) throw new HttpError({ status: 400, detail: `Malformed consumer_uuid: ${raw}` });
  const v = c.get('microversion');
  const body = await jsonBody(c, putAllocations(v));
  await submit(c, {
    type: 'ReplaceAllocations', via: 'put', consumers: [consumerAllocations(canonicalUuid(raw), body, v)],
  });
  return empty(204);
}

async function setAllocations(c: C): Promise<Response> {
  authorize(c, 'placement:allocations:manage');
  const v = c.get('microversion');
  const body = await jsonBody(c, postAllocations(v));
  const consumers = Object.entries(body).map(([uuid, entry]) => consumerAllocations(uuid, entry, v));
  await submit(c, { type: 'ReplaceAllocations', via: 'post', consumers });
  return empty(204);
}

async function deleteAllocations(c: C): Promise<Response> {
  authorize(c, 'placement:allocations:delete');
  await submit(c, { type: 'DeleteAllocations', consumerUuid: c.req.param('consumer_uuid')! });
  return empty(204);
}
