/**
 * @module http/middleware/content
 * Content negotiation as Placement does it: a body needs a content type
 * (400), JSON handlers require `application/json` (415) and answer only
 * Accept headers that allow it (406).
 */
import type { MiddlewareHandler } from 'hono';
import { refuses } from '../accept.ts';
import type { AppEnv } from '../env.ts';
import { HttpError } from '../error-format.ts';
import { requestHeader } from '../request-header.ts';

/** Python int(): whitespace and a sign allowed. */
const pyInt = (s: string): number | undefined => (/^\s*[+-]?\d+\s*$/.test(s) ? Number(s) : undefined);

/** Before routing: content-length must be an integer, and > 0 needs a content-type. */
export function contentLengthCheck(): MiddlewareHandler<AppEnv> {
  return async function contentLengthCheck(c, next) {
    const length = requestHeader(c, 'content-length');
    if (length) {
      const n = pyInt(length);
      if (n === undefined) {
        throw new HttpError({ status: 400, detail: 'content-length header must be an integer', raised: true });
      }
      if (n > 0 && !requestHeader(c, 'content-type')) {
        throw new HttpError({
          status: 400, detail: 'content-type header required when content-length > 0', raised: true,
        });
      }
    }
    await next();
  };
}

/** The media type without parameters, as webob's `req.content_type`. */
export const mediaType = (header: string | undefined): string => (header ?? '').split(';')[0]!.trim();

/** 415 unless the body is declared as `type`. */
export function assertContent(contentType: string | undefined, type = 'application/json'): void {
  const got = mediaType(contentType);
  if (got !== type) {
    throw new HttpError({ status: 415, detail: `The media type ${got || 'None'} is not supported, use ${type}` });
  }
}

export function requireContent(type = 'application/json'): MiddlewareHandler<AppEnv> {
  return async function requireContent(c, next) {
    assertContent(requestHeader(c, 'content-type'), type);
    await next();
  };
}

export function checkAccept(type = 'application/json'): MiddlewareHandler<AppEnv> {
  return async function checkAccept(c, next) {
    if (refuses(c.get('accept'), type)) throw new HttpError({ status: 406, detail: `Only ${type} is provided` });
    await next();
  };
}
