/**
 * @module http/middleware/request-context
 * First in line: a fresh `req-<uuid>` request id on every response, the
 * dependencies, and the Accept header as Placement reads it (absent or
 * `*\/*` means JSON, so errors come back as JSON).
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Deps } from '../env.ts';
import { stampHeader } from '../responses.ts';
import { requestHeader } from '../request-header.ts';

export const REQUEST_ID_HEADER = 'x-openstack-request-id';

export function requestContext(deps: Deps): MiddlewareHandler<AppEnv> {
  return async function requestContext(c, next) {
    const requestId = `req-${randomUUID()}`;
    c.set('requestId', requestId);
    c.set('deps', deps);
    c.set('raised', false);
    const accept = requestHeader(c, 'accept');
    c.set('accept', !accept || accept === '*/*' ? 'application/json' : accept);
    await next();
    stampHeader(c.res, REQUEST_ID_HEADER, requestId, 'if-absent');
  };
}
