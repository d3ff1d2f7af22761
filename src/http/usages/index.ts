/**
 * @module http/usages
 * GET /resource_providers/{uuid}/usages and GET /usages (1.9). Usages are
 * "what is used now", so last-modified (1.15) is the time of the answer.
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { HttpError } from '../error-format.ts';
import { checkAccept } from '../middleware/content.ts';
import { atLeast, since } from '../microversion.ts';
import { authorize } from '../policy.ts';
import { cacheHeaders, json } from '../responses.ts';
import type { RouteTable } from '../routes.ts';
import { queryAll, queryParams } from '../validate.ts';
import { usagesQuery } from './schemas.ts';
import { providerUsagesView, totalUsagesView, usageTotalsOf, usagesByTypeView } from './view.ts';

const BY_PROVIDER = '/resource_providers/:uuid/usages';
const TOTAL = '/usages';

export function usageRoutes(table: RouteTable): Hono<AppEnv> {
  table.declare(BY_PROVIDER, ['GET']);
  table.declare(TOTAL, ['GET']);
  return new Hono<AppEnv>()
    .get(BY_PROVIDER, checkAccept(), listUsages)
    .get(TOTAL, since('1.9'), checkAccept(), getTotalUsages);
}

type C = Context<AppEnv>;

function listUsages(c: C): Response {
  authorize(c, 'placement:resource_providers:usages');
  const uuid = c.req.param('uuid')!;
  const rp = c.get('deps').ledger().providers.get(uuid);
  if (!rp) {
    throw new HttpError({ status: 404,
      detail: `No resource provider with uuid ${uuid} found: No resource provider with uuid ${uuid} found` });
  }
  return json(providerUsagesView(rp), 200, cacheHeaders(c));
}

function getTotalUsages(c: C): Response {
  // The policy target is the project asked about (the last one given, as
  // webob's req.GET.get reads it), before the query is validated.
  const asked = queryAll(c, 'project_id');
  authorize(c, 'placement:usages', { projectId: asked[asked.length - 1] ?? null });
  const v = c.get('microversion');
  const query = queryParams(c, usagesQuery(v));
  const totals = usageTotalsOf(c.get('deps').ledger(), query.project_id, query.user_id);
  const view = atLeast(v, '1.38') ? usagesByTypeView(totals, query.consumer_type) : totalUsagesView(totals);
  return json(view, 200, cacheHeaders(c));
}
