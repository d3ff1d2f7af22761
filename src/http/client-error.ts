/**
 * @module http/client-error
 * Requests Node's HTTP parser (llhttp) refuses before the app sees them,
 * answered in Placement's format instead of Node's bare 400:
 *
 *  - a method llhttp does not know (`get`, `Get`, `FOO`) or raw bytes it
 *    does not take in a target (non-ASCII, a tab): upstream routes these
 *    like any request (401 without a token, 405 with `Allow` on a known
 *    path, 404 elsewhere; a raw non-ASCII query string is read as UTF-8).
 *    When the raw packet holds the whole request it is replayed through the
 *    app, the method kept as sent and the odd bytes percent-encoded;
 *  - a non-integer or repeated Content-Length: "content-length header must
 *    be an integer", as Placement says;
 *  - a request not received in time (server requestTimeout): 408;
 *  - anything else: a 400 (431 for oversized headers) carrying llhttp's
 *    reason.
 *
 * Every answer closes the connection: the parser cannot go on from there.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpError, renderError } from './error-format.ts';
import { parseVersionHeader } from './microversion.ts';
import { REQUEST_ID_HEADER } from './middleware/request-context.ts';

interface ParserError extends Error {
  readonly code?: string;
  readonly reason?: string;
  readonly rawPacket?: Buffer;
}

/** The app's fetch, as Hono exposes it (env: what @hono/node-server would pass). */
export type Fetch = (request: Request, env?: unknown) => Response | Promise<Response>;

interface RawRequest {
  readonly method: string;
  readonly target: Buffer;
  /** Lower-cased names, in order. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The body when the packet holds all of it (Content-Length, not chunked), else null. */
  readonly body: Buffer | null;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** The request line and headers of the bytes Node kept, and the body if it is all there. */
export function parseRawRequest(raw: Buffer | undefined): RawRequest | null {
  if (!raw) return null;
  const end = raw.indexOf(CRLF2);
  const head = (end === -1 ? raw : raw.subarray(0, end)).toString('latin1');
  const [requestLine = '', ...lines] = head.split('\r\n');
  const parts = requestLine.split(' ');
  if (parts.length !== 3 || !/^HTTP\/1\.[01]$/.test(parts[2]!)) return null;
  const targetStart = parts[0]!.length + 1;
  const target = raw.subarray(targetStart, targetStart + Buffer.byteLength(parts[1]!, 'latin1'));
  const headers = lines.map((line): [string, string] => {
    const i = line.indexOf(':');
    return i > 0 ? [line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()] : ['', ''];
  }).filter(([name]) => name !== '');
  const value = (name: string) => headers.filter(([n]) => n === name).map(([, v]) => v);
  let body: Buffer | null = null;
  const lengths = value('content-length');
  if (end !== -1 && value('transfer-encoding').length === 0 && lengths.length <= 1) {
    const length = lengths.length === 0 ? 0 : /^\d+$/.test(lengths[0]!) ? Number(lengths[0]) : -1;
    const rest = raw.subarray(end + CRLF2.length);
    if (length >= 0 && rest.length >= length) body = rest.subarray(0, length);
  }
  return { method: parts[0]!, target, headers, body };
}

/** Bytes a URL may not hold raw (controls, space, `\`, non-ASCII) percent-encoded. */
export function escapeTarget(target: Buffer | string): string {
  const bytes = typeof target === 'string' ? Buffer.from(target, 'latin1') : target;
  let out = '';
  for (const b of bytes) {
    out += b <= 0x20 || b >= 0x7f || b === 0x5c ? `%${b.toString(16).toUpperCase().padStart(2, '0')}`
      : String.fromCharCode(b);
  }
  return out;
}

/** Runs a request llhttp refused through the app, as upstream would have taken it. */
async function replay(fetch: Fetch, raw: RawRequest): Promise<Response | null> {
  const target = escapeTarget(raw.target);
  if (!target.startsWith('/')) return null;
  const given = raw.headers.find(([n]) => n === 'host')?.[1] ?? '';
  const host = /^(?:[\w.-]+|\[[\da-f:.]+\])(?::\d+)?$/i.test(given) ? given : 'localhost';
  let request: Request;
  try {
    const headers = new Headers();
    for (const [name, value] of raw.headers) headers.append(name, value);
    // fetch upper-cases get/put/post/delete/head/options; upstream sees them as sent (and answers 405).
    const bodyless = /^(get|head)$/i.test(raw.method);
    request = new Request(`http://${host}${target}`, {
      method: raw.method, headers, body: bodyless || !raw.body?.length ? undefined : new Uint8Array(raw.body),
    });
    Object.defineProperty(request, 'method', { value: raw.method });
  } catch {
    return null; // a method fetch refuses (CONNECT, TRACE, not a token), a header it will not carry
  }
  return fetch(request, { incoming: { url: target } });
}

/** A Placement error for a request that never reached the app. */
function refusal(error: HttpError, raw: RawRequest | null): Response {
  const header = (name: string) => raw?.headers.find(([n]) => n === name)?.[1];
  const requestId = `req-${randomUUID()}`;
  const accept = header('accept');
  const parsed = parseVersionHeader(header('openstack-api-version') ?? null);
  const effective = !accept || accept === '*/*' ? 'application/json' : accept;
  const res = renderError(parsed.ok ? error : new HttpError({ status: parsed.status, detail: parsed.detail }), {
    accept: effective, acceptHeader: effective, method: raw?.method ?? 'GET',
    microversion: parsed.ok ? parsed.version : undefined, requestId,
  });
  if (parsed.ok) res.headers.set('openstack-api-version', `placement ${parsed.version.major}.${parsed.version.minor}`);
  res.headers.set(REQUEST_ID_HEADER, requestId);
  return res;
}

const BAD_LENGTH = new Set(['HPE_INVALID_CONTENT_LENGTH', 'HPE_UNEXPECTED_CONTENT_LENGTH']);
const REPLAYABLE = new Set(['HPE_INVALID_METHOD', 'HPE_INVALID_URL']);

/** The answer to a request llhttp refused, or null when there is no one to answer (a reset). */
export async function clientErrorResponse(err: ParserError, fetch?: Fetch): Promise<Response | null> {
  if (err.code === 'ECONNRESET') return null;
  const raw = parseRawRequest(err.rawPacket);
  if (fetch && raw?.body && REPLAYABLE.has(err.code ?? '')) {
    const res = await replay(fetch, raw);
    if (res) return res;
  }
  if (BAD_LENGTH.has(err.code ?? '')) {
    return refusal(new HttpError({ status: 400, detail: 'content-length header must be an integer', raised: true }), raw);
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return refusal(new HttpError({ status: 408, detail: 'The request was not received in time.', raised: true }), raw);
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  return refusal(new HttpError({ status, detail: err.reason ?? 'The request could not be parsed.', raised: true }), raw);
}

/** A response as HTTP/1.1 bytes, closing the connection. */
export async function responseBytes(res: Response): Promise<Buffer> {
  const body = Buffer.from(await res.arrayBuffer());
  const head = [`HTTP/1.1 ${res.status} ${STATUS_CODES[res.status] ?? 'Unknown'}`];
  res.headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'connection' && name !== 'transfer-encoding') head.push(`${name}: ${value}`);
  });
  head.push(`content-length: ${body.length}`, 'connection: close');
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** A 'clientError' listener answering in Placement's format (through `fetch` where it can). */
export function clientErrorHandler(fetch?: Fetch): (err: ParserError, socket: Duplex) => void {
  return function handleClientError(err, socket) {
    // As Node's own handler: nothing to say on a dead socket or after a response began.
    const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (!socket.writable || started) {
      socket.destroy();
      return;
    }
    void clientErrorResponse(err, fetch).then(async (res) => {
      if (!res) return socket.destroy();
      const bytes = await responseBytes(res);
      if (socket.writable) socket.end(bytes);
    }).catch(() => socket.destroy());
  };
}
