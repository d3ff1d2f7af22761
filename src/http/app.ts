/**
 * @module http/app
 * The Placement HTTP app. Middleware runs in upstream's order, outermost
 * first: request id, CORS (cors profile), noauth2, microversion, the start-up gate, the body
 * checks, the route table's 405s, then the routes. Every error leaves
 * through onError / notFound and error-format.ts.
 */
import { Hono } from 'hono';
import type { AppEnv, Deps } from './env.ts';
import { errorRequest, errorResponse, HttpError, renderError } from './error-format.ts';
import { requestBodyLimit } from './middleware/body-limit.ts';
import { contentLengthCheck } from './middleware/content.ts';
import { cors } from './middleware/cors.ts';
import { microversion } from './middleware/microversion.ts';
import { noauth } from './middleware/noauth.ts';
import { rawPathCheck, wsgiPath } from './middleware/raw-path.ts';
import { requestContext } from './middleware/request-context.ts';
import { aggregateRoutes } from './aggregates/index.ts';
import { allocationCandidateRoutes } from './allocation-candidates/index.ts';
import { allocationRoutes } from './allocations/index.ts';
import { inventoryRoutes } from './inventories/index.ts';
import { providerTraitRoutes } from './provider-traits/index.ts';
import { resourceClassRoutes } from './resource-classes/index.ts';
import { resourceProviderRoutes } from './resource-providers/index.ts';
import { reshaperRoutes } from './reshaper/index.ts';
import { rootRoutes } from './root.ts';
import { RouteTable } from './routes.ts';
import { traitRoutes } from './traits/index.ts';
import { usageRoutes } from './usages/index.ts';

export type { Deps } from './env.ts';

export function createApp(deps: Deps): Hono<AppEnv> {
  const profile = deps.profile ?? 'default';
  const table = new RouteTable();
  const app = new Hono<AppEnv>({ getPath: wsgiPath });

  app.use(requestContext({ ...deps, profile }));
  if (profile === 'cors') app.use(cors());
  app.use(noauth());
  app.use(microversion());
  app.use(async (_c, next) => {
    const why = deps.starting?.();
    if (why) throw new HttpError({ status: 503, detail: why, raised: true });
    await next();
  });
  app.use(requestBodyLimit());
  app.use(contentLengthCheck());
  app.use(rawPathCheck());
  app.use(table.guard());

  app.route('/', rootRoutes(table));
  app.route('/', resourceProviderRoutes(table));
  app.route('/', resourceClassRoutes(table));
  app.route('/', inventoryRoutes(table));
  app.route('/', allocationRoutes(table));
  app.route('/', usageRoutes(table));
  app.route('/', traitRoutes(table));
  app.route('/', providerTraitRoutes(table));
  app.route('/', aggregateRoutes(table));
  app.route('/', reshaperRoutes(table));
  app.route('/', allocationCandidateRoutes(table));

  app.notFound((c) => errorResponse(c, new HttpError({ status: 404, raised: true })));
  app.onError((err, c) => {
    if (err instanceof HttpError) return errorResponse(c, err);
    // Upstream's FaultWrapper: outside the microversion layer, so no version header.
    c.set('raised', true);
    console.error('placement: unexpected error', err);
    const res = renderError(new HttpError({ status: 500, detail: String(err.message ?? err) }), errorRequest(c));
    return res;
  });
  return app;
}
