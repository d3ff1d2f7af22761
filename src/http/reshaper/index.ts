/**
 * @module http/reshaper
 * POST /reshaper (1.30): one Reshape command, all or nothing. Every error,
 * a provider that does not exist included, is the core's rejection.
 */
import { Hono, type Context } from 'hono';
import type { ProviderInventories } from '../../domain/commands.ts';
import type { AppEnv } from '../env.ts';
import { consumerAllocations } from '../allocations/index.ts';
import { withDefaults } from '../inventories/index.ts';
import { requireContent } from '../middleware/content.ts';
import { since } from '../microversion.ts';
import { authorize } from '../policy.ts';
import { empty } from '../responses.ts';
import type { RouteTable } from '../routes.ts';
import { submit } from '../submit.ts';
import { jsonBody } from '../validate.ts';
import { postReshaper } from './schemas.ts';

const RESHAPER = '/reshaper';

export function reshaperRoutes(table: RouteTable): Hono<AppEnv> {
  table.declare(RESHAPER, ['POST']);
  return new Hono<AppEnv>().post(RESHAPER, since('1.30'), requireContent(), reshape);
}

async function reshape(c: Context<AppEnv>): Promise<Response> {
  authorize(c, 'placement:reshaper:reshape');
  const v = c.get('microversion');
  const body = await jsonBody(c, postReshaper(v));
  const inventories: Record<string, ProviderInventories> = {};
  for (const [uuid, given] of Object.entries(body.inventories)) {
    inventories[uuid] = {
      generation: given.resource_provider_generation,
      inventories: Object.fromEntries(Object.entries(given.inventories).map(([rc, inv]) => [rc, withDefaults(inv)])),
    };
  }
  const allocations = Object.entries(body.allocations).map(([uuid, entry]) => consumerAllocations(uuid, entry, v));
  await submit(c, { type: 'Reshape', inventories, allocations });
  return empty(204);
}
