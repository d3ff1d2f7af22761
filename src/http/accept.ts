/**
 * @module http/accept
 * Accept-header negotiation as webob does it (RFC 7231 matching, the
 * most specific range decides an offer's quality, ties keep offer order).
 * An invalid header accepts everything, an absent one too.
 */

interface MediaRange {
  readonly type: string;
  readonly q: number;
  readonly params: readonly string[];
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const PARAM = `${TOKEN}=(?:${TOKEN}|"(?:[^"\\\\]|\\\\.)*")`;
const RANGE_RE = new RegExp(`^(${TOKEN}/${TOKEN})((?:\\s*;\\s*${PARAM})*)$`);
const WEIGHT_RE = /^[qQ]=(0(\.\d{0,3})?|1(\.0{0,3})?)$/;

/** The ranges of a valid header, or 'invalid'. */
export function parseAccept(header: string): readonly MediaRange[] | 'invalid' {
  const ranges: MediaRange[] = [];
  for (const raw of header.split(',')) {
    const element = raw.trim();
    if (element === '') continue;
    const m = RANGE_RE.exec(element);
    if (!m) return 'invalid';
    const params: string[] = [];
    let q = 1;
    for (const p of m[2]!.split(';').map((s) => s.trim()).filter(Boolean)) {
      if (/^[qQ]=/.test(p)) {
        if (!WEIGHT_RE.test(p)) return 'invalid';
        q = Number(p.slice(2));
        break; // what follows q are accept-extensions, which do not match
      }
      params.push(p.toLowerCase());
    }
    ranges.push({ type: m[1]!.toLowerCase(), q, params });
  }
  return ranges;
}

function specificity(range: MediaRange, offer: string): number {
  if (range.type === offer) return range.params.length === 0 ? 3 : 0;
  const [rangeType, rangeSub] = range.type.split('/');
  if (rangeSub === '*' && offer.split('/')[0] === rangeType) return 2;
  return range.type === '*/*' ? 1 : 0;
}

/**
 * The offers the header accepts, best first. null header: no header,
 * every offer accepted in order.
 */
export function acceptableOffers(header: string | null, offers: readonly string[]): string[] {
  const ranges = header === null ? 'invalid' : parseAccept(header);
  if (ranges === 'invalid') return [...offers];
  const scored: { offer: string; q: number; index: number }[] = [];
  offers.forEach((offer, index) => {
    let best: { q: number; spec: number } | undefined;
    for (const range of ranges) {
      const spec = specificity(range, offer.toLowerCase());
      if (spec > 0 && (best === undefined || spec > best.spec)) best = { q: range.q, spec };
    }
    if (best && best.q > 0) scored.push({ offer, q: best.q, index });
  });
  return scored.sort((a, b) => b.q - a.q || a.index - b.index).map((s) => s.offer);
}

/** Is there an Accept header that refuses `type`? (A missing or invalid one refuses nothing.) */
export function refuses(header: string | null, type: string): boolean {
  if (header === null || parseAccept(header) === 'invalid') return false;
  return acceptableOffers(header, [type]).length === 0;
}
