/**
 * @module http/resource-providers
 * /resource_providers and /resource_providers/{uuid}: create, list with
 * filters, show, rename/re-parent, delete.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { PlacementEvent } from '../../domain/events.ts';
import type { Ledger, ResourceProvider } from '../../domain/model.ts';
import type { AppEnv } from '../env.ts';
import { HttpError } from '../error-format.ts';
import { atLeast } from '../microversion.ts';
import { checkAccept, requireContent } from '../middleware/content.ts';
import { authorize } from '../policy.ts';
import { parseMemberOfAll, parseRequiredAll, parseResources } from '../query-filters.ts';
import { cacheHeaders, empty, json, latest, locationOf } from '../responses.ts';
import type { RouteTable } from '../routes.ts';
import { submit } from '../submit.ts';
import { canonicalUuid, jsonBody, queryAll, queryParams } from '../validate.ts';
import { listProviders, type ProviderFilters } from './filters.ts';
import { listQuery, postProvider, putProvider } from './schemas.ts';
import { providerModified, providerUrl, providerView, type ProviderFacts } from './view.ts';

/** The provider, or the 404 upstream raises from its object layer. */
export function providerOr404(ledger: Ledger, uuid: string): ResourceProvider {
  const rp = ledger.providers.get(uuid);
  if (!rp) throw new HttpError({ status: 404, detail: `No resource provider with uuid ${uuid} found`, raised: true });
  return rp;
}

/** What the written events say the provider now is (the ledger may be a replica that lags). */
function factsAfter(events: readonly PlacementEvent[], uuid: string, ledger: Ledger): ProviderFacts {
  for (const e of events) {
    if (e.type === 'ResourceProviderCreated' && e.uuid === uuid) return { ...e, generation: 0 };
    if (e.type === 'ResourceProviderUpdated' && e.uuid === uuid) return e;
  }
  return providerOr404(ledger, uuid);
}

export function resourceProviderRoutes(table: RouteTable): Hono<AppEnv> {
  table.declare('/resource_providers', ['GET', 'POST']);
  table.declare('/resource_providers/:uuid', ['GET', 'DELETE', 'PUT']);
  const app = new Hono<AppEnv>();

  app.post('/resource_providers', requireContent(), async (c) => {
    authorize(c, 'placement:resource_providers:create');
    const v = c.get('microversion');
    const data = await jsonBody(c, postProvider(v));
    const uuid = data.uuid ? canonicalUuid(data.uuid) : randomUUID();
    const parentUuid = ('parent_provider_uuid' in data ? data.parent_provider_uuid : null) ?? null;
    const events = await submit(c, { type: 'CreateResourceProvider', uuid, name: data.name, parentUuid });
    const location = { location: locationOf(c, providerUrl(uuid)) };
    if (!atLeast(v, '1.20')) return empty(201, location);
    const rp = c.get('deps').ledger().providers.get(uuid);
    const headers = { ...location, ...cacheHeaders(c, rp ? providerModified(rp) : null) };
    return json(providerView(factsAfter(events, uuid, c.get('deps').ledger()), v), 200, headers);
  });

  app.get('/resource_providers', checkAccept(), (c) => {
    authorize(c, 'placement:resource_providers:list');
    const v = c.get('microversion');
    const q = queryParams(c, listQuery(v));
    const filters: ProviderFilters = {
      name: q.name || undefined,
      uuid: q.uuid || undefined,
      inTree: q.in_tree || undefined,
      aggregates: q.member_of !== undefined ? parseMemberOfAll(queryAll(c, 'member_of'), v) : undefined,
      traits: q.required !== undefined ? parseRequiredAll(queryAll(c, 'required'), v) : undefined,
      resources: q.resources !== undefined ? parseResources(q.resources) : undefined,
    };
    const providers = listProviders(c.get('deps').ledger(), filters);
    const body = { resource_providers: providers.map((rp) => providerView(rp, v)) };
    return json(body, 200, cacheHeaders(c, latest(providers.map(providerModified))));
  });

  app.get('/resource_providers/:uuid', checkAccept(), (c) => {
    authorize(c, 'placement:resource_providers:show');
    const rp = providerOr404(c.get('deps').ledger(), c.req.param('uuid'));
    return json(providerView(rp, c.get('microversion')), 200, cacheHeaders(c, providerModified(rp)));
  });

  app.put('/resource_providers/:uuid', requireContent(), async (c) => {
    authorize(c, 'placement:resource_providers:update');
    const v = c.get('microversion');
    const uuid = c.req.param('uuid');
    providerOr404(c.get('deps').ledger(), uuid);
    const data = await jsonBody(c, putProvider(v));
    const events = await submit(c, {
      type: 'UpdateResourceProvider', uuid, name: data.name,
      parentUuid: 'parent_provider_uuid' in data ? data.parent_provider_uuid : undefined,
      allowReparent: atLeast(v, '1.37'),
    });
    const rp = c.get('deps').ledger().providers.get(uuid);
    const facts = factsAfter(events, uuid, c.get('deps').ledger());
    return json(providerView(facts, v), 200, cacheHeaders(c, rp?.updatedAt));
  });

  app.delete('/resource_providers/:uuid', async (c) => {
    authorize(c, 'placement:resource_providers:delete');
    await submit(c, { type: 'DeleteResourceProvider', uuid: c.req.param('uuid') });
    return empty(204);
  });

  return app;
}
