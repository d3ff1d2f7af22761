/**
 * @module http/responses
 * Success responses as Placement sends them: JSON as Python's json.dumps
 * writes it, bodiless 201/204 without a content type, and the caching
 * headers of 1.15+.
 */
import type { Context } from 'hono';
import type { AppEnv } from './env.ts';
import { atLeast } from './microversion.ts';
import { pyJsonDumps } from './py-format.ts';
import { requestHeader } from './request-header.ts';

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return respond(pyJsonDumps(body), status, { ...headers, 'content-type': 'application/json' });
}

/** No body, no content type; a 201 says `content-length: 0` as webob does (not chunked). */
export function empty(status: 201 | 204, headers: Record<string, string> = {}): Response {
  return respond(null, status, status === 201 ? { ...headers, 'content-length': '0' } : { ...headers });
}

/**
 * The plain header record of each response built by `respond`, while it can
 * still be changed in place. @hono/node-server's Response keeps the record it
 * was given and writes it straight out; reading `response.headers` would turn
 * it into a Headers object first, which cost more than the rest of a GET.
 */
const records = new WeakMap<Response, Record<string, string>>();

interface ResponseKind {
  readonly base: typeof Response;
  /** A subclass that forgets the record once anyone reads `headers`; null when records are copied anyway. */
  readonly stampable: typeof Response | null;
}
let kind: ResponseKind | undefined;

/** Probed again whenever the global Response changes (node-server's `serve` swaps in its own). */
function responseKind(): ResponseKind {
  if (kind?.base !== Response) {
    const record: Record<string, string> = {};
    const probe = new Response(null, { headers: record });
    record['x-probe'] = '1';
    const shares = probe.headers.get('x-probe') === '1';
    kind = {
      base: Response,
      stampable: shares ? class extends Response {
        override get headers(): Headers {
          records.delete(this);
          return super.headers;
        }
      } : null,
    };
  }
  return kind;
}

/** A response whose headers `stampHeader` can still add to cheaply. Header names in lower case. */
export function respond(body: string | null, status: number, headers: Record<string, string>): Response {
  const { stampable } = responseKind();
  if (!stampable) return new Response(body, { status, headers });
  const res = new stampable(body, { status, headers });
  records.set(res, headers);
  return res;
}

/** Adds a header to a finished response: `append` joins an existing value with ", ", else one present is kept. */
export function stampHeader(res: Response, name: string, value: string, mode: 'append' | 'if-absent'): void {
  const record = records.get(res);
  if (!record) {
    if (mode === 'append') res.headers.append(name, value);
    else if (!res.headers.has(name)) res.headers.set(name, value);
    return;
  }
  const current = record[name];
  if (current === undefined) record[name] = value;
  else if (mode === 'append') record[name] = `${current}, ${value}`;
}

/** The schemes Python's urljoin resolves against (urllib.parse.uses_relative). */
const RELATIVE_SCHEMES = new Set(['', 'ftp', 'http', 'gopher', 'nntp', 'imap', 'wais', 'file', 'https', 'shttp',
  'mms', 'prospero', 'rtsp', 'rtspu', 'sftp', 'svn', 'svn+ssh', 'ws', 'wss']);

/**
 * A Location header's value. Placement sets a path and webob makes it
 * absolute against the request's URL: the Host header, and the scheme the
 * front server reports (X-Forwarded-Proto, as upstream's uwsgi honours it).
 * A scheme urljoin cannot use leaves the path relative, as there.
 */
export function locationOf(c: Context<AppEnv>, path: string): string {
  const url = new URL(c.req.url);
  const forwarded = requestHeader(c, 'x-forwarded-proto');
  const scheme = forwarded === undefined ? url.protocol.slice(0, -1) : forwarded.toLowerCase();
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme) || !RELATIVE_SCHEMES.has(scheme)) return path;
  return `${scheme}://${url.host}${path}`;
}

/** An HTTP date (RFC 7231) for an ISO time, or now. */
export const httpDate = (iso?: string | null): string => (iso ? new Date(iso) : new Date()).toUTCString();

/** The latest of the given times (ISO strings); null when none is known. */
export function latest(times: Iterable<string | null | undefined>): string | null {
  let best: string | null = null;
  for (const t of times) if (t && (best === null || Date.parse(t) > Date.parse(best))) best = t;
  return best;
}

/**
 * From 1.15, `cache-control: no-cache` and `last-modified` (now when the
 * time is unknown); nothing before.
 */
export function cacheHeaders(c: Context<AppEnv>, lastModified?: string | null): Record<string, string> {
  if (!atLeast(c.get('microversion'), '1.15')) return {};
  return { 'cache-control': 'no-cache', 'last-modified': httpDate(lastModified) };
}
