/**
 * @module http/node-server
 * The Node HTTP server in front of the app: @hono/node-server's listener
 * with stated timeouts, Placement's answers to what llhttp refuses
 * (client-error.ts), and request targets kept as sent.
 */
import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { clientErrorHandler, type Fetch } from './client-error.ts';
import { HttpError, renderError } from './error-format.ts';

/** Node's server timeouts. Upstream's uwsgi gives up on a silent client after 4 s. */
export interface ServerTimeouts {
  /** The request line and headers must arrive within this (Node's default: 60 s). */
  readonly headersTimeoutMs: number;
  /** The whole request, body included (Node's default: 300 s). */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (Node's default). */
  readonly keepAliveTimeoutMs: number;
  /** How often Node checks the two above (its default, 30 s, would let them overrun by that much). */
  readonly checkIntervalMs: number;
}

export const SERVER_TIMEOUTS: ServerTimeouts = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
};

/**
 * A backslash in the path, which @hono/node-server refuses (bare 400) and
 * the URL parser would turn into `/`: upstream routes it as an ordinary
 * character (404, or 400 for a bad trait name), so it is passed on encoded.
 */
export function keepBackslashes(target: string): string {
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  return path.includes('\\') ? path.replace(/\\/g, '%5C') + (q === -1 ? '' : target.slice(q)) : target;
}

/** What @hono/node-server cannot make a Request of (a bad Host header, say): a 400 in Placement's format. */
const unusableRequest = (err: unknown): Response => renderError(
  new HttpError({ status: 400, detail: err instanceof Error ? err.message : 'The request could not be read.' }),
  { accept: 'application/json', method: 'GET' });

export function createPlacementServer(fetch: Fetch, timeouts: Partial<ServerTimeouts> = {}): Server {
  const t = { ...SERVER_TIMEOUTS, ...timeouts };
  const listener = getRequestListener(fetch, { errorHandler: unusableRequest });
  const server = createServer({
    headersTimeout: t.headersTimeoutMs,
    requestTimeout: t.requestTimeoutMs,
    keepAliveTimeout: t.keepAliveTimeoutMs,
    connectionsCheckingInterval: t.checkIntervalMs,
  }, (req, res) => {
    if (req.url) req.url = keepBackslashes(req.url);
    void listener(req, res);
  });
  server.on('clientError', clientErrorHandler(fetch));
  return server;
}
