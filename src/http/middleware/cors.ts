/**
 * @module http/middleware/cors
 * oslo.middleware's CORS, as the `cors` profile configures it: preflight
 * OPTIONS answered 200 here, allowed origins get the CORS headers.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';
import { requestHeader } from '../request-header.ts';

export interface CorsOptions {
  readonly allowedOrigins: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly allowMethods: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly allowCredentials: boolean;
  readonly maxAgeS: number;
}

/** What the conformance `cors` profile sets, over Placement's own defaults. */
export const CONFORMANCE_CORS: CorsOptions = {
  allowedOrigins: ['http://valid.example.com'],
  allowHeaders: ['openstack-api-version'],
  allowMethods: ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'],
  exposeHeaders: ['X-Auth-Token', 'X-Openstack-Request-Id', 'X-Subject-Token', 'X-Service-Token',
    'OpenStack-API-Version'],
  allowCredentials: true,
  maxAgeS: 3600,
};

const SIMPLE_HEADERS = ['Accept', 'Accept-Language', 'Content-Type', 'Cache-Control', 'Content-Language',
  'Expires', 'Last-Modified', 'Pragma'];

export function cors(options: CorsOptions = CONFORMANCE_CORS): MiddlewareHandler<AppEnv> {
  const { allowedOrigins, allowHeaders, allowMethods, exposeHeaders, allowCredentials, maxAgeS } = options;
  const permittedHeaders = [...allowHeaders, ...SIMPLE_HEADERS].map((h) => h.toUpperCase());
  return async function cors(c, next) {
    const origin = requestHeader(c, 'origin');
    const known = origin !== undefined && allowedOrigins.includes(origin);
    if (c.req.method === 'OPTIONS') {
      const res = new Response(null, { status: 200 });
      const method = requestHeader(c, 'access-control-request-method');
      const requested = (requestHeader(c, 'access-control-request-headers') ?? '')
        .split(',').map((h) => h.trim()).filter(Boolean);
      const ok = known && method !== undefined && allowMethods.includes(method) &&
        requested.every((h) => permittedHeaders.includes(h.toUpperCase()));
      if (ok) {
        res.headers.set('vary', 'Origin');
        res.headers.set('access-control-allow-origin', origin!);
        if (allowCredentials) res.headers.set('access-control-allow-credentials', 'true');
        if (maxAgeS) res.headers.set('access-control-max-age', String(maxAgeS));
        res.headers.set('access-control-allow-methods', method!);
        if (requested.length > 0) res.headers.set('access-control-allow-headers', requested.join(','));
      }
      return res;
    }
    await next();
    if (!known) return;
    const vary = c.res.headers.get('vary');
    c.res.headers.set('vary', vary ? `${vary},Origin` : 'Origin');
    c.res.headers.set('access-control-allow-origin', origin!);
    if (allowCredentials) c.res.headers.set('access-control-allow-credentials', 'true');
    if (exposeHeaders.length > 0) c.res.headers.set('access-control-expose-headers', exposeHeaders.join(','));
  };
}
