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

function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp === 0xad) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += `\\u${cp.toString(16)}`;
    else out += ch;
  }
  return out + quote;
}

const sortedEntries = (o: object): [string, unknown][] =>
  Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Python `repr()` of a JSON value; dict keys sorted as `pformat` shows them. */
export function pyRepr(v: unknown, sortKeys = true): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (typeof v === 'number') return numberRepr(v);
  if (typeof v === 'string') return strRepr(v);
  if (Array.isArray(v)) return `[${v.map((x) => pyRepr(x, sortKeys)).join(', ')}]`;
  if (typeof v === 'object') {
    const entries = sortKeys ? sortedEntries(v) : Object.entries(v);
    return `{${entries.map(([k, x]) => `${strRepr(k)}: ${pyRepr(x, sortKeys)}`).join(', ')}}`;
  }
  return String(v);
}

const WIDTH = 72;

/** `pprint.pformat(v, width=72)`, as jsonschema uses it in its messages. */
export function pformat(v: unknown): string {
  const out: string[] = [];
  format(v, out, 0, 0, 0);
  return out.join('');
}

function format(v: unknown, out: string[], indent: number, allowance: number, level: number): void {
  const rep = pyRepr(v);
  if (rep.length <= WIDTH - indent - allowance) {
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
    out.push(rep);
  }
}

function formatDictItems(items: [string, unknown][], out: string[], indent: number, allowance: number,
  level: number): void {
  indent += 1;
  items.forEach(([key, value], i) => {
    const last = i === items.length - 1;
    const rep = strRepr(key);
    out.push(rep, ': ');
    format(value, out, indent + rep.length + 2, last ? allowance : 1, level);
    if (!last) out.push(`,\n${' '.repeat(indent)}`);
  });
}

function formatItems(items: unknown[], out: string[], indent: number, allowance: number, level: number): void {
  indent += 1;
  items.forEach((item, i) => {
    const last = i === items.length - 1;
    if (i > 0) out.push(`,\n${' '.repeat(indent)}`);
    format(item, out, indent, last ? allowance : 1, level);
  });
}

/** Long strings split at whitespace into adjacent literals, as pprint does. */
function formatStr(s: string, out: string[], indent: number, allowance: number, level: number): void {
  if (level === 1) {
    indent += 1;
    allowance += 1;
  }
  const chunks: string[] = [];
  const lines = s.match(/[^\n]*\n|[^\n]+$/g) ?? [s];
  let maxWidth1 = WIDTH - indent;
  lines.forEach((line, i) => {
    const lastLine = i === lines.length - 1;
    if (lastLine) maxWidth1 -= allowance;
    if (strRepr(line).length <= maxWidth1) {
      chunks.push(strRepr(line));
      return;
    }
    const parts = line.match(/\S*\s*/g)!.filter((p) => p !== '');
    let maxWidth2 = WIDTH - indent;
    let current = '';
    parts.forEach((part, j) => {
      const candidate = current + part;
      if (j === parts.length - 1 && lastLine) maxWidth2 -= allowance;
      if (strRepr(candidate).length > maxWidth2) {
        if (current) chunks.push(strRepr(current));
        current = part;
      } else {
        current = candidate;
      }
    });
    if (current) chunks.push(strRepr(current));
  });
  if (chunks.length <= 1) {
    out.push(strRepr(s));
    return;
  }
  if (level === 1) out.push('(');
  out.push(chunks.join(`\n${' '.repeat(indent)}`));
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
