/**
 * @module http/client-error
 * Requests Node's HTTP parser refuses before the app sees them. A
 * non-integer Content-Length is one Placement answers itself ("content-length
 * header must be an integer"), so we write that answer on the socket, in
 * Placement's format. Wire it with `server.on('clientError', handleClientError)`.
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { HttpError, renderError, titleOf } from './error-format.ts';
import { parseVersionHeader } from './microversion.ts';
import { REQUEST_ID_HEADER } from './middleware/request-context.ts';

interface ParserError extends Error {
  readonly code?: string;
  readonly rawPacket?: Buffer;
}

/** Header values (lower-cased names) from the raw bytes Node kept. */
function rawHeaders(raw: Buffer | undefined): { method: string; headers: Map<string, string> } {
  const headers = new Map<string, string>();
  const text = raw ? raw.toString('latin1') : '';
  const [requestLine = '', ...lines] = text.split('\r\n\r\n')[0]!.split('\r\n');
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { method: requestLine.split(' ')[0] || 'GET', headers };
}

/** The raw HTTP/1.1 response for a bad Content-Length, or null for other parser errors. */
export async function clientErrorResponse(err: ParserError): Promise<string | null> {
  if (err.code !== 'HPE_INVALID_CONTENT_LENGTH') return null;
  const { method, headers } = rawHeaders(err.rawPacket);
  const requestId = `req-${randomUUID()}`;
  const accept = headers.get('accept');
  const parsed = parseVersionHeader(headers.get('openstack-api-version') ?? null);
  const error = parsed.ok
    ? new HttpError({ status: 400, detail: 'content-length header must be an integer', raised: true })
    : new HttpError({ status: parsed.status, detail: parsed.detail });
  const res = renderError(error, {
    accept: !accept || accept === '*/*' ? 'application/json' : accept, method,
    microversion: parsed.ok ? parsed.version : undefined, requestId,
  });
  if (parsed.ok) res.headers.set('openstack-api-version', `placement ${parsed.version.major}.${parsed.version.minor}`);
  res.headers.set(REQUEST_ID_HEADER, requestId);
  const body = Buffer.from(await res.text(), 'utf8');
  const head = [`HTTP/1.1 ${res.status} ${titleOf(res.status)}`, `content-length: ${body.length}`, 'connection: close'];
  res.headers.forEach((value, name) => head.push(`${name}: ${value}`));
  return `${head.join('\r\n')}\r\n\r\n${body.toString('latin1')}`;
}

/** A 'clientError' listener: Placement's answer where it has one, Node's plain 400 otherwise. */
export function handleClientError(err: ParserError, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const fallback = err.code === 'HPE_HEADER_OVERFLOW'
    ? 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n'
    : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';
  void clientErrorResponse(err).then((raw) => {
    if (socket.writable) socket.end(raw ?? fallback, 'latin1');
  }, () => socket.destroy());
}
