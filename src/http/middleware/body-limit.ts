/**
 * @module http/middleware/body-limit
 * Request bodies are capped at MAX_BODY_BYTES: 413 in Placement's format.
 * Upstream has no limit, but no legitimate Placement request comes near it
 * (nova's largest bodies, allocations and reshapes, are a few KB; 1,000
 * inventories are ~50 KB). The cap keeps every command under the embedded
 * NATS max_payload (8 MB): a command's JSON is about 4x its request body
 * (an inventory PUT measured 4.0x), so 1 MB bodies stay well below it,
 * where 4 MB ones could not. It also bounds parse and validation work.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../env.ts';
import { HttpError } from '../error-format.ts';
import { requestHeader } from '../request-header.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Content-Length over the cap is refused unread; a chunked body is counted as it streams. */
export function requestBodyLimit(maxSize = MAX_BODY_BYTES): MiddlewareHandler<AppEnv> {
  const tooLarge = () => {
    throw new HttpError({
      status: 413, raised: true,
      detail: `The request body is larger than the limit of ${maxSize} bytes.`,
    });
  };
  const streamed = bodyLimit({ maxSize, onError: tooLarge });
  return async function requestBodyLimit(c, next) {
    // Headers only: touching c.req.raw.body would build a Web Request and body stream per request.
    const length = requestHeader(c, 'content-length');
    if (length !== undefined && requestHeader(c, 'transfer-encoding') === undefined) {
      return Number.parseInt(length, 10) > maxSize ? tooLarge() : next();
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'DELETE') return next();
    return streamed(c, next);
  };
}
