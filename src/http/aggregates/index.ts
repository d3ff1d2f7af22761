/**
 * @module http/aggregates
 * /resource_providers/{uuid}/aggregates (1.1+). Up to 1.18 the body is a
 * bare list and a write leaves the provider generation alone; from 1.19
 * the generation is sent, checked and bumped. Write responses come from
 * the ProviderAggregatesReplaced event.
 */
import { Hono, type Context } from 'hono';
import type { ProviderAggregatesReplaced } from '../../domain/events.ts';
import type { AppEnv } from '../env.ts';
import { atLeast, since } from '../microversion.ts';
import { checkAccept, requireContent } from '../middleware/content.ts';
import { authorize } from '../policy.ts';
import { cacheHeaders, json } from '../responses.ts';
import { providerOr404 } from '../resource-providers/index.ts';
import type { RouteTable } from '../routes.ts';
import { submit } from '../submit.ts';
import { jsonBody } from '../validate.ts';
import { putAggregates } from './schemas.ts';
import { aggregatesView } from './view.ts';

type C = Context<AppEnv>;

const PATH = '/resource_providers/:uuid/aggregates';

export function aggregateRoutes(table: RouteTable): Hono<AppEnv> {
  table.declare(PATH, ['GET', 'PUT']);
  return new Hono<AppEnv>()
    .get(PATH, checkAccept(), since('1.1'), getAggregates)
    .put(PATH, requireContent(), since('1.1'), putProviderAggregates);
}

// No time is kept for an association: last-modified is always now (cacheHeaders with none).
function getAggregates(c: C): Response {
  authorize(c, 'placement:resource_providers:aggregates:list');
  const rp = providerOr404(c.get('deps').ledger(), c.req.param('uuid')!);
  return json(aggregatesView(rp.aggregates, rp.generation, c.get('microversion')), 200, cacheHeaders(c));
}

async function putProviderAggregates(c: C): Promise<Response> {
  authorize(c, 'placement:resource_providers:aggregates:update');
  const v = c.get('microversion');
  const uuid = c.req.param('uuid')!;
  providerOr404(c.get('deps').ledger(), uuid);
  const body = await jsonBody(c, putAggregates(v));
  const withGeneration = atLeast(v, '1.19');
  const { aggregates, generation } = Array.isArray(body)
    ? { aggregates: body, generation: null }
    : { aggregates: body.aggregates, generation: body.resource_provider_generation };
  const events = await submit(c, {
    type: 'SetProviderAggregates', uuid, generation, aggregates, bumpGeneration: withGeneration,
  });
  const replaced = events.find((e): e is ProviderAggregatesReplaced => e.type === 'ProviderAggregatesReplaced');
  if (!replaced) throw new Error('SetProviderAggregates accepted without ProviderAggregatesReplaced');
  // Upstream echoes the list as sent (its order).
  return json(aggregatesView(aggregates, replaced.generation, v), 200, cacheHeaders(c));
}
