/**
 * @module http/middleware/microversion
 * Establishes the request's microversion (400 for a malformed header, 406
 * for one outside VERSIONS, both before any version is known) and stamps
 * `openstack-api-version` and `vary` on what comes back.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';
import { stampHeader } from '../responses.ts';
import { errorRequest, HttpError, renderError } from '../error-format.ts';
import { parseVersionHeader, versionString } from '../microversion.ts';
import { requestHeader } from '../request-header.ts';

export const VERSION_HEADER = 'openstack-api-version';

export function microversion(): MiddlewareHandler<AppEnv> {
  return async function microversion(c, next) {
    const parsed = parseVersionHeader(requestHeader(c, VERSION_HEADER) ?? null);
    if (!parsed.ok) return renderError(new HttpError({ status: parsed.status, detail: parsed.detail }), errorRequest(c));
    c.set('microversion', parsed.version);
    await next();
    stampHeader(c.res, VERSION_HEADER, `placement ${versionString(parsed.version)}`, 'append');
    if (!c.get('raised')) stampHeader(c.res, 'vary', VERSION_HEADER, 'append');
  };
}
