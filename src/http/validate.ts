/**
 * @module http/validate
 * Request bodies and query strings through zod, with Placement's error
 * sentences: "Malformed JSON: ...", "JSON does not validate: ...",
 * "Invalid query string parameters: ...".
 */
import type { Context } from 'hono';
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

/** The body as JSON, validated: 400 "Malformed JSON" or "JSON does not validate". */
export async function jsonBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
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
  for (const [k, v] of new URL(c.req.url).searchParams) params[k] = v;
  return check(schema, params, 'Invalid query string parameters: ');
}

/** Every value of a repeatable query key, in order. */
export const queryAll = (c: Context<AppEnv>, key: string): string[] =>
  new URL(c.req.url).searchParams.getAll(key);

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

/** Body uuids: Placement's own, loose format checker (dashes optional). */
export const uuidLike = uuidFormat(isUuidLike);
/** Query uuids: jsonschema's default checker (dashed form required). */
export const uuidStrict = uuidFormat((s) => STRICT_UUID.test(s));
