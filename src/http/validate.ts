/**
 * @module http/validate
 * Request bodies and query strings through zod, with Placement's error
 * sentences: "Malformed JSON: ...", "JSON does not validate: ...",
 * "Invalid query string parameters: ...".
 */
import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { AppEnv } from './env.ts';
import { HttpError } from './error-format.ts';
import { pyJsonLoads } from './py-json.ts';
import { describeFirstIssue } from './schema-text.ts';

const badRequest = (detail: string): HttpError => new HttpError({ status: 400, detail });

/**
 * Deeper documents are refused before parsing. Python's json.loads raises
 * RecursionError near its recursion limit (1000), which upstream lets out
 * as a 500; we answer 400 with Python's sentence, and keep every later
 * walk over the document (validation, error text) far from JS stack limits.
 * Placement's own documents nest at most 6 deep.
 */
export const MAX_JSON_DEPTH = 1000;

/** The deepest array/object nesting of JSON text (strings skipped), stopping past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): { depth: number; array: boolean } {
  let depth = 0;
  let max = 0;
  let array = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) { // a string: skip to its closing quote
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x5c) i++;
        else if (c === 0x22) break;
      }
    } else if (ch === 0x5b || ch === 0x7b) {
      depth++;
      if (depth > max) {
        max = depth;
        array = ch === 0x5b;
        if (max > limit) break;
      }
    } else if (ch === 0x5d || ch === 0x7d) {
      depth--;
    }
  }
  return { depth: max, array };
}

/** The body as Python's json.loads reads it (JSON.parse first; Python's rules on failure). */
export function parseJson(text: string): unknown {
  if (text.startsWith('\ufeff')) {
    throw badRequest('Malformed JSON: Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)');
  }
  const nesting = jsonDepth(text);
  if (nesting.depth > MAX_JSON_DEPTH) {
    throw badRequest('Malformed JSON: maximum recursion depth exceeded while decoding a JSON ' +
      `${nesting.array ? 'array' : 'object'} from a unicode string`);
  }
  try {
    return JSON.parse(text);
  } catch {
    const py = pyJsonLoads(text);
    if (py.ok) return py.value;
    throw badRequest(`Malformed JSON: ${py.message}`);
  }
}

/** Validates `data`; the first failure becomes jsonschema's text after `prefix`. */
export function check<S extends z.ZodType>(schema: S, data: unknown, prefix: string): z.output<S> {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  throw badRequest(`${prefix}${describeFirstIssue(result.error.issues, schema, data)}`);
}

/** Where Python's strict UTF-8 decoder fails on `bytes`, if it does: [start, end) and its reason. */
export function utf8Error(bytes: Uint8Array): { start: number; end: number; reason: string } | undefined {
  const n = bytes.length;
  for (let i = 0; i < n;) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return { start: i, end: i + 1, reason: 'invalid start byte' };
    for (let j = 1; j <= need; j++) {
      if (i + j >= n) return { start: i, end: i + j, reason: 'unexpected end of data' };
      const d = bytes[i + j]!;
      if (d < (j === 1 ? lo : 0x80) || d > (j === 1 ? hi : 0xbf)) {
        return { start: i, end: i + j, reason: 'invalid continuation byte' };
      }
    }
    i += need + 1;
  }
  return undefined;
}

/** str(UnicodeDecodeError) for bytes.decode('utf-8'), or undefined when they decode. */
export function utf8ErrorText(bytes: Uint8Array): string | undefined {
  const e = utf8Error(bytes);
  if (!e) return undefined;
  return e.end - e.start === 1
    ? `'utf-8' codec can't decode byte 0x${bytes[e.start]!.toString(16).padStart(2, '0')} in position ${e.start}: ${e.reason}`
    : `'utf-8' codec can't decode bytes in position ${e.start}-${e.end - 1}: ${e.reason}`;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * How long a body may pause before the request is given up: a body shorter
 * than its Content-Length would otherwise hold the socket until Node's
 * request timeout. Upstream's uwsgi gives up after its 4 s socket timeout
 * with a 500 ("timeout during read"); we answer 408, on a closed connection
 * (what is left of the body cannot be told from a next request).
 */
export const BODY_IDLE_TIMEOUT_MS = 4_000;

/** The client stopped sending (or hung up) before the body was complete. */
function incompleteBody(received: number, expected: string | undefined): HttpError {
  return new HttpError({
    status: 408, raised: true, headers: { connection: 'close' },
    detail: `The request body ended after ${received} of ${expected ?? 'its'} bytes.`,
  });
}

/** Every byte of a Node request body; 408 when it stalls for `idleMs` or is cut short. */
export function readIncoming(incoming: IncomingMessage, idleMs = BODY_IDLE_TIMEOUT_MS): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err?: HttpError) => {
      clearTimeout(timer);
      incoming.off('data', onData).off('end', onEnd).off('aborted', onCut).off('error', onCut).off('close', onClose);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, received));
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(incompleteBody(received, incoming.headers['content-length'])), idleMs);
    };
    const onData = (chunk: Buffer) => { chunks.push(chunk); received += chunk.length; arm(); };
    const onEnd = () => finish();
    const onCut = () => finish(incompleteBody(received, incoming.headers['content-length']));
    const onClose = () => { if (!incoming.complete) onCut(); };
    incoming.on('data', onData).on('end', onEnd).on('aborted', onCut).on('error', onCut).on('close', onClose);
    arm();
  });
}

/** The whole body when it came in with the headers (the common case for small bodies), else null. */
function readBuffered(incoming: IncomingMessage): Buffer | null {
  const expected = Number(incoming.headers['content-length']);
  if (!(expected > 0) || incoming.readableLength !== expected) return null;
  const body = incoming.read(expected) as Buffer | null;
  return body && body.length === expected ? body : null;
}

/**
 * The raw body. Served by @hono/node-server with a Content-Length (already
 * checked against the body limit), it is read straight off the Node stream:
 * building the Web Request and its body stream costs more than the rest of
 * a write's handling. Otherwise (chunked, tests) through the Request.
 */
async function bodyBytes(c: Context<AppEnv>): Promise<Uint8Array> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming && incoming.headers['content-length'] !== undefined && !incoming.readableEnded &&
      incoming.readableFlowing === null) {
    const body = readBuffered(incoming) ?? await readIncoming(incoming);
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  }
  return new Uint8Array(await c.req.arrayBuffer());
}

/**
 * The body as text the way oslo's jsonutils.loads decodes it: strict UTF-8
 * (invalid bytes are a 400 Malformed JSON, not U+FFFD), the BOM kept so
 * json.loads can refuse it.
 */
export async function bodyText(c: Context<AppEnv>): Promise<string> {
  const bytes = await bodyBytes(c);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw badRequest(`Malformed JSON: ${utf8ErrorText(bytes) ?? "'utf-8' codec can't decode the body"}`);
  }
}

/** The body as JSON, validated: 400 "Malformed JSON" or "JSON does not validate". */
export async function jsonBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  const text = await bodyText(c);
  return checkJson(schema, text);
}

/** Validates a JSON document given as text (also used on synthesized documents). */
export function checkJson<S extends z.ZodType>(schema: S, text: string): z.output<S> {
  return check(schema, parseJson(text), 'JSON does not validate: ');
}

/**
 * The query string as a dict (the last value of a repeated key, as
 * `dict(req.GET)` gives), validated against `schema`.
 */
export function queryParams<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.output<S> {
  const params: Record<string, string> = {};
  for (const [k, v] of querySearchParams(c)) params[k] = v;
  return check(schema, params, 'Invalid query string parameters: ');
}

/** Every value of a repeatable query key, in order. */
export const queryAll = (c: Context<AppEnv>, key: string): string[] =>
  querySearchParams(c).getAll(key);

/** Percent-decoded bytes of one query key or value ('+' is a space), as webob's req.GET decodes it. */
function queryBytes(s: string): Uint8Array {
  const text = s.replace(/\+/g, ' ');
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const cp = text.codePointAt(i)!;
      out.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
      if (cp > 0xffff) i++;
    }
  }
  return Uint8Array.from(out);
}

/**
 * The query string, after checking that every key and value decodes as
 * UTF-8: webob raises UnicodeDecodeError and Placement answers
 * 400 "Invalid query string parameters: 'utf-8' codec can't decode ...".
 */
export function querySearchParams(c: Context<AppEnv>): URLSearchParams {
  const url = new URL(c.req.url);
  for (const pair of url.search.slice(1).split('&')) {
    const eq = pair.indexOf('=');
    for (const part of eq === -1 ? [pair] : [pair.slice(0, eq), pair.slice(eq + 1)]) {
      if (!part.includes('%')) continue;
      const error = utf8ErrorText(queryBytes(part));
      if (error) throw badRequest(`Invalid query string parameters: ${error}`);
    }
  }
  return url.searchParams;
}

/** Python's uuidutils.is_uuid_like: 32 hex digits once dashes, braces and urn/uuid prefixes go. */
export function isUuidLike(s: string): boolean {
  const hex = s.replace(/urn:/g, '').replace(/uuid:/g, '').replace(/^[{}]+|[{}]+$/g, '')
    .replace(/-/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex);
}

/** The canonical form Python's str(uuid.UUID(s)) gives a uuid-like string. */
export function canonicalUuid(s: string): string {
  const hex = s.replace(/urn:/g, '').replace(/uuid:/g, '').replace(/^[{}]+|[{}]+$/g, '')
    .replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const STRICT_UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const uuidFormat = (test: (s: string) => boolean) =>
  z.string().refine(test, { params: { validator: 'format', format: 'uuid' } }).meta({ format: 'uuid' });

/**
 * JSON Schema's `"type": "integer"`, unbounded: Python's ints have no
 * maximum, so a generation of 2**63 passes upstream's schema and then fails
 * to match (409), and an amount of 2**53 fails max_unit (409). zod's
 * z.int() stops at 2**53 - 1, which would make those a 400. Values past
 * 2**53 arrive as the nearest double; they can only ever be refused later.
 */
export const anyInteger = () =>
  z.number().refine(Number.isInteger, { params: { validator: 'type' } }).meta({ type: 'integer' });

/** Body uuids: Placement's own, loose format checker (dashes optional). */
export const uuidLike = uuidFormat(isUuidLike);
/** Query uuids: jsonschema's default checker (dashed form required). */
export const uuidStrict = uuidFormat((s) => STRICT_UUID.test(s));
