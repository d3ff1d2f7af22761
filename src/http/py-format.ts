/**
 * @module http/py-format
 * Python's text forms where clients see them: `repr()` and `pprint.pformat`
 * (inside jsonschema messages) and `json.dumps` with its default separators
 * and `ensure_ascii` (every Placement response body).
 */

/** A number Python holds as a float: `1` prints as `1.0`. */
export class PyFloat {
  constructor(readonly value: number) {}
}
export const pyFloat = (value: number): PyFloat => new PyFloat(value);

function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  // Python switches to exponent form from 1e16 and below 1e-4.
  const text = String(n);
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}

function numberRepr(n: number): string {
  return Number.isInteger(n) ? String(n) : floatRepr(n);
}

/**
 * Rendering is bounded: a repr stops after REPR_LIMIT characters and a
 * pformat after PFORMAT_LIMIT, ending in '...'. Python prints the whole
 * instance (a 10 MB name is echoed twice); we cap it so an error message
 * costs time and memory linear in what is shown, not in the body.
 * Every message the conformance suite matches is far below the caps.
 */
export const REPR_LIMIT = 4096;
export const PFORMAT_LIMIT = 16384;
const ELLIPSIS = '...';

/** Thrown inside a bounded rendering once it has more than its limit. */
class Full extends Error {}

/** Collects parts up to `limit` characters, then throws Full. */
class Sink {
  readonly parts: string[] = [];
  length = 0;
  constructor(readonly limit: number) {}
  push(s: string): void {
    this.parts.push(s);
    this.length += s.length;
    if (this.length > this.limit) throw new Full();
  }
  text(): string {
    return this.parts.join('');
  }
}

const ESCAPES = { single: /['\\\n\r\t\x00-\x1f\x7f-\xa0\xad\ud800-\udfff]/gu,
  double: /["\\\n\r\t\x00-\x1f\x7f-\xa0\xad\ud800-\udfff]/gu };

function escapeChar(ch: string): string {
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  if (ch === "'" || ch === '"' || ch === '\\') return `\\${ch}`;
  const cp = ch.codePointAt(0)!;
  if (cp >= 0xd800 && cp <= 0xdfff) return `\\u${cp.toString(16)}`;
  return `\\x${cp.toString(16).padStart(2, '0')}`;
}

/** Python repr() of a str; only the first `limit` characters of `s` are escaped. */
function strRepr(s: string, limit = Infinity): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const head = s.length > limit ? s.slice(0, limit) : s;
  return quote + head.replace(quote === "'" ? ESCAPES.single : ESCAPES.double, escapeChar) + quote;
}

const sortedEntries = (o: object): [string, unknown][] =>
  Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function reprInto(v: unknown, out: Sink, sortKeys: boolean): void {
  if (v === null || v === undefined) out.push('None');
  else if (v === true) out.push('True');
  else if (v === false) out.push('False');
  else if (v instanceof PyFloat) out.push(floatRepr(v.value));
  else if (typeof v === 'number') out.push(numberRepr(v));
  else if (typeof v === 'string') out.push(strRepr(v, out.limit - out.length + 1));
  else if (Array.isArray(v)) {
    out.push('[');
    v.forEach((x, i) => {
      if (i > 0) out.push(', ');
      reprInto(x, out, sortKeys);
    });
    out.push(']');
  } else if (typeof v === 'object') {
    out.push('{');
    (sortKeys ? sortedEntries(v) : Object.entries(v)).forEach(([k, x], i) => {
      if (i > 0) out.push(', ');
      out.push(strRepr(k, out.limit - out.length + 1));
      out.push(': ');
      reprInto(x, out, sortKeys);
    });
    out.push('}');
  } else out.push(String(v));
}

/** The repr if it has at most `limit` characters, else undefined. */
function reprWithin(v: unknown, limit: number, sortKeys = true): string | undefined {
  const out = new Sink(limit);
  try {
    reprInto(v, out, sortKeys);
  } catch (e) {
    if (e instanceof Full) return undefined;
    throw e;
  }
  return out.text();
}

/**
 * Python `repr()` of a JSON value; dict keys sorted as `pformat` shows them.
 * Longer than `limit` characters: the first `limit`, then '...'.
 */
export function pyRepr(v: unknown, sortKeys = true, limit = REPR_LIMIT): string {
  const out = new Sink(limit);
  try {
    reprInto(v, out, sortKeys);
  } catch (e) {
    if (e instanceof Full) return out.text().slice(0, limit) + ELLIPSIS;
    throw e;
  }
  return out.text();
}

const WIDTH = 72;

/** `pprint.pformat(v, width=72)`, as jsonschema uses it in its messages (bounded, see PFORMAT_LIMIT). */
export function pformat(v: unknown, limit = PFORMAT_LIMIT): string {
  const out = new Sink(limit);
  try {
    format(v, out, 0, 0, 0);
  } catch (e) {
    if (e instanceof Full) return out.text().slice(0, limit) + ELLIPSIS;
    throw e;
  }
  return out.text();
}

function format(v: unknown, out: Sink, indent: number, allowance: number, level: number): void {
  // Only whether the repr fits matters here: rendering stops past the width,
  // so each level costs O(WIDTH), not O(size of the value).
  const rep = reprWithin(v, Math.max(0, WIDTH - indent - allowance));
  if (rep !== undefined) {
    out.push(rep);
    return;
  }
  if (Array.isArray(v)) {
    out.push('[');
    formatItems(v, out, indent, allowance + 1, level + 1);
    out.push(']');
  } else if (v !== null && typeof v === 'object' && !(v instanceof PyFloat)) {
    out.push('{');
    formatDictItems(sortedEntries(v), out, indent, allowance + 1, level + 1);
    out.push('}');
  } else if (typeof v === 'string') {
    formatStr(v, out, indent, allowance, level + 1);
  } else {
    out.push(pyRepr(v));
  }
}

function formatDictItems(items: [string, unknown][], out: Sink, indent: number, allowance: number,
  level: number): void {
  indent += 1;
  items.forEach(([key, value], i) => {
    const last = i === items.length - 1;
    const rep = strRepr(key, out.limit);
    out.push(rep);
    out.push(': ');
    format(value, out, indent + rep.length + 2, last ? allowance : 1, level);
    if (!last) out.push(`,\n${' '.repeat(indent)}`);
  });
}

function formatItems(items: unknown[], out: Sink, indent: number, allowance: number, level: number): void {
  indent += 1;
  items.forEach((item, i) => {
    const last = i === items.length - 1;
    if (i > 0) out.push(`,\n${' '.repeat(indent)}`);
    format(item, out, indent, last ? allowance : 1, level);
  });
}

/** Whether repr(s) has at most `width` characters, without escaping more of `s` than that. */
const strFits = (s: string, width: number): boolean => s.length + 2 <= width && strRepr(s).length <= width;

/** Long strings split at whitespace into adjacent literals, as pprint does. */
function formatStr(s: string, out: Sink, indent: number, allowance: number, level: number): void {
  if (level === 1) {
    indent += 1;
    allowance += 1;
  }
  // Splitting stops once the chunks hold more than the sink can take.
  const chunks: string[] = [];
  let size = 0;
  const add = (chunk: string) => {
    const rep = strRepr(chunk, out.limit);
    chunks.push(rep);
    size += rep.length;
  };
  const lines = s.match(/[^\n]*\n|[^\n]+$/g) ?? [s];
  let maxWidth1 = WIDTH - indent;
  for (let i = 0; i < lines.length && size <= out.limit; i++) {
    const line = lines[i]!;
    const lastLine = i === lines.length - 1;
    if (lastLine) maxWidth1 -= allowance;
    if (strFits(line, maxWidth1)) {
      add(line);
      continue;
    }
    const parts = line.match(/\S*\s*/g)!.filter((p) => p !== '');
    let maxWidth2 = WIDTH - indent;
    let current = '';
    for (let j = 0; j < parts.length && size <= out.limit; j++) {
      const part = parts[j]!;
      const candidate = current + part;
      if (j === parts.length - 1 && lastLine) maxWidth2 -= allowance;
      if (!strFits(candidate, maxWidth2)) {
        if (current) add(current);
        current = part;
      } else {
        current = candidate;
      }
    }
    if (current) add(current);
  }
  if (chunks.length <= 1) {
    out.push(strRepr(s, out.limit));
    return;
  }
  if (level === 1) out.push('(');
  chunks.forEach((chunk, i) => {
    if (i > 0) out.push(`\n${' '.repeat(indent)}`);
    out.push(chunk);
  });
  if (level === 1) out.push(')');
}

function jsonString(s: string): string {
  return JSON.stringify(s).replace(/[\u0080-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `json.dumps(v)`: `", "` and `": "` separators, non-ASCII as `\uXXXX`. */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (v instanceof PyFloat) {
    return Number.isFinite(v.value) ? floatRepr(v.value) : (Number.isNaN(v.value) ? 'NaN' : 'Infinity');
  }
  if (typeof v === 'number') return numberRepr(v);
  if (typeof v === 'string') return jsonString(v);
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  if (typeof v === 'object') {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v)) {
      if (x !== undefined) parts.push(`${jsonString(k)}: ${pyJsonDumps(x)}`);
    }
    return `{${parts.join(', ')}}`;
  }
  return 'null';
}
