/**
 * @module http/py-json
 * Python's `json.loads`, for the cases JSON.parse disagrees with: its error
 * text ("Expecting value: line 1 column 10 (char 9)", which follows
 * "Malformed JSON: " in Placement's 400) and the NaN / Infinity literals it
 * accepts. Only used when JSON.parse fails.
 */

export type PyJsonResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

class DecodeError extends Error {
  constructor(readonly msg: string, readonly pos: number) {
    super(msg);
  }
}

const WS = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /^(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses over code points, so positions count as Python counts them. */
class Scanner {
  constructor(private readonly s: readonly string[]) {}

  private skip(i: number): number {
    while (i < this.s.length && WS.has(this.s[i]!)) i++;
    return i;
  }

  document(): unknown {
    const [value, end] = this.value(this.skip(0));
    const rest = this.skip(end);
    if (rest !== this.s.length) throw new DecodeError('Extra data', rest);
    return value;
  }

  private startsWith(i: number, word: string): boolean {
    return this.s.slice(i, i + word.length).join('') === word;
  }

  private value(i: number): [unknown, number] {
    const ch = this.s[i];
    if (ch === '"') return this.string(i + 1);
    if (ch === '{') return this.object(i + 1);
    if (ch === '[') return this.array(i + 1);
    for (const [word, v] of [['null', null], ['true', true], ['false', false], ['NaN', NaN],
      ['Infinity', Infinity], ['-Infinity', -Infinity]] as const) {
      if (this.startsWith(i, word)) return [v, i + word.length];
    }
    const m = NUMBER.exec(this.s.slice(i, i + 400).join(''));
    if (m) return [Number(m[0]), i + m[0].length];
    throw new DecodeError('Expecting value', i);
  }

  private string(start: number): [string, number] {
    let out = '';
    let i = start;
    for (;;) {
      if (i >= this.s.length) throw new DecodeError('Unterminated string starting at', start - 1);
      const ch = this.s[i]!;
      if (ch === '"') return [out, i + 1];
      if (ch.codePointAt(0)! < 0x20) throw new DecodeError('Invalid control character at', i);
      if (ch !== '\\') {
        out += ch;
        i++;
        continue;
      }
      const esc = this.s[i + 1];
      if (esc === undefined) throw new DecodeError('Unterminated string starting at', start - 1);
      if (esc === 'u') {
        const hex = this.s.slice(i + 2, i + 6).join('');
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new DecodeError('Invalid \\uXXXX escape', i + 1);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
        continue;
      }
      const mapped = ESCAPES[esc];
      if (mapped === undefined) throw new DecodeError('Invalid \\escape', i);
      out += mapped;
      i += 2;
    }
  }

  private object(i: number): [Record<string, unknown>, number] {
    const out: Record<string, unknown> = {};
    i = this.skip(i);
    if (this.s[i] === '}') return [out, i + 1];
    for (;;) {
      if (this.s[i] !== '"') throw new DecodeError('Expecting property name enclosed in double quotes', i);
      const [key, afterKey] = this.string(i + 1);
      i = this.skip(afterKey);
      if (this.s[i] !== ':') throw new DecodeError("Expecting ':' delimiter", i);
      const [value, afterValue] = this.value(this.skip(i + 1));
      out[key] = value;
      i = this.skip(afterValue);
      if (this.s[i] === '}') return [out, i + 1];
      if (this.s[i] !== ',') throw new DecodeError("Expecting ',' delimiter", i);
      i = this.skip(i + 1);
    }
  }

  private array(i: number): [unknown[], number] {
    const out: unknown[] = [];
    i = this.skip(i);
    if (this.s[i] === ']') return [out, i + 1];
    for (;;) {
      const [value, after] = this.value(i);
      out.push(value);
      i = this.skip(after);
      if (this.s[i] === ']') return [out, i + 1];
      if (this.s[i] !== ',') throw new DecodeError("Expecting ',' delimiter", i);
      i = this.skip(i + 1);
    }
  }
}

/** json.loads(text): the value, or JSONDecodeError's str(). */
export function pyJsonLoads(text: string): PyJsonResult {
  const chars = Array.from(text);
  try {
    return { ok: true, value: new Scanner(chars).document() };
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    const before = chars.slice(0, err.pos);
    const line = before.filter((c) => c === '\n').length + 1;
    const lastNl = before.lastIndexOf('\n');
    const column = lastNl < 0 ? err.pos + 1 : err.pos - lastNl;
    return { ok: false, message: `${err.msg}: line ${line} column ${column} (char ${err.pos})` };
  }
}
