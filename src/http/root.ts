/**
 * @module http/root
 * GET / : the version document, the only thing served without a token.
 */
import { Hono } from 'hono';
import type { AppEnv } from './env.ts';
import { MAX_VERSION, MIN_VERSION } from './microversion.ts';
import { cacheHeaders, json } from './responses.ts';
import type { RouteTable } from './routes.ts';

export function rootRoutes(table: RouteTable): Hono<AppEnv> {
  table.declare('/', ['GET']);
  return new Hono<AppEnv>().get('/', (c) => json({
    versions: [{
      id: `v${MIN_VERSION}`, max_version: MAX_VERSION, min_version: MIN_VERSION, status: 'CURRENT',
      links: [{ rel: 'self', href: '' }],
    }],
  }, 200, cacheHeaders(c)));
}
