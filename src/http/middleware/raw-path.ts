/**
 * @module http/middleware/raw-path
 * Routing must see the path the client sent. The WHATWG URL parser (used by
 * @hono/node-server and by Request) resolves `.` and `..` segments, encoded
 * (`%2e%2e`) or not, so `DELETE /resource_providers/A/%2e%2e/B` would reach
 * B. Upstream (webob/routes) matches the path as sent and answers 404; so
 * does this check, before routing. An absolute-form request target
 * (`GET http://host/...`) is not a path either: 404 as upstream.
 *
 * What is routed is the path as upstream's WSGI server hands it on
 * (PATH_INFO): every escape decoded, `%2F` included (so `abc%2Fdef` is two
 * segments), bytes read as Latin-1. Only `%` itself stays escaped, for
 * Hono's own decoding of parameters to undo once.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';
import { HttpError } from '../error-format.ts';

const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/** True when the raw request target is not a plain path, or has a `.`/`..` segment. */
export function unroutableTarget(target: string): boolean {
  if (!target.startsWith('/')) return true;
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  return path.split('/').some((segment) => DOT_SEGMENT.test(segment));
}

/**
 * With @hono/node-server, `c.env.incoming.url` is the raw request target;
 * without it (app.request in tests) there is nothing rawer than c.req.url.
 */
export function rawPathCheck(): MiddlewareHandler<AppEnv> {
  return async function rawPathCheck(c, next) {
    const target = (c.env as { incoming?: { url?: unknown } } | undefined)?.incoming?.url;
    if (typeof target === 'string' && unroutableTarget(target)) {
      throw new HttpError({ status: 404, raised: true });
    }
    await next();
  };
}

/** Hono's getPath: the request's path, decoded as PATH_INFO is (see above). */
export function wsgiPath(request: Request): string {
  const url = request.url;
  const start = url.charCodeAt(0) === 0x2f ? 0 : url.indexOf('/', url.indexOf(':') + 3);
  if (start === -1) return '/';
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const ch = url.charCodeAt(i);
    if (ch === 0x3f || ch === 0x23) { end = i; break; }
  }
  const path = url.slice(start, end);
  if (!path.includes('%')) return path;
  return path.replace(/%([0-9a-fA-F]{2})?/g, (_, hex: string | undefined) => {
    const byte = hex === undefined ? 0x25 : Number.parseInt(hex, 16);
    return byte === 0x25 ? '%25' : String.fromCharCode(byte);
  });
}
