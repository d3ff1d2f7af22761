/**
 * @module http/query-filters
 * The query-string mini-languages of GET /resource_providers (and later
 * /allocation_candidates): `resources=VCPU:2,...`, `required=A,!B` /
 * `in:A,B`, `member_of=<uuid>|in:...|!...`, `in_tree=<uuid>`. Each parser
 * raises upstream's 400 sentence.
 */
import { HttpError } from './error-format.ts';
import { atLeast, type Version } from './microversion.ts';
import { isUuidLike } from './validate.ts';

const bad = (detail: string): HttpError => new HttpError({ status: 400, detail });

const FORM = '?resources=VCPU:2,MEMORY_MB:1024';

/** `VCPU:2,MEMORY_MB:1024` -> amounts by class. */
export function parseResources(qs: string): Map<string, number> {
  if (qs.trim() === '') {
    throw bad(`Badly formed resources parameter. Expected resources query string parameter in form: ${FORM}. ` +
      'Got: empty string.');
  }
  const result = new Map<string, number>();
  for (const rt of qs.split(',')) {
    const parts = rt.split(':');
    if (parts.length !== 2) {
      throw bad(`Badly formed resources parameter. Expected resources query string parameter in form: ${FORM}. ` +
        `Got: ${rt}.`);
    }
    const [name, amountText] = parts as [string, string];
    if (!/^\s*[+-]?\d+\s*$/.test(amountText)) {
      throw bad(`Requested resource ${name} expected positive integer amount. Got: ${amountText}.`);
    }
    const amount = Number(amountText);
    if (amount < 1) throw bad(`Requested resource ${name} requires amount >= 1. Got: ${amount}.`);
    result.set(name, amount);
  }
  return result;
}

export interface TraitFilter {
  /** AND of ORs: each set needs one of its traits. */
  readonly required: ReadonlySet<string>[];
  readonly forbidden: ReadonlySet<string>;
}

/** One `required` value; `in:` needs 1.39, `!` needs 1.22. */
export function parseRequired(val: string, version: Version): TraitFilter {
  const allowForbidden = atLeast(version, '1.22');
  if (val.startsWith('in:')) {
    if (!atLeast(version, '1.39')) {
      throw bad("Invalid query string parameters: The format 'in:HW_CPU_X86_VMX,CUSTOM_MAGIC' only supported " +
        `since microversion 1.39. Got: ${val}`);
    }
    const any = new Set(val.slice(3).split(',').map((s) => s.trim()));
    if ([...any].some((t) => t === '')) {
      throw bad("Invalid query string parameters: Expected 'required' parameter value of the form: " +
        `in:HW_CPU_X86_VMX,CUSTOM_MAGIC. Got an empty trait in: ${val}`);
    }
    if ([...any].some((t) => t.startsWith('!'))) {
      throw bad("Invalid query string parameters: The format 'in:HW_CPU_X86_VMX,CUSTOM_MAGIC' does not " +
        `support forbidden traits. Got: ${val}`);
    }
    return { required: [any], forbidden: new Set() };
  }
  const all = val.split(',').map((s) => s.trim());
  const forbidden = new Set(all.filter((t) => t.startsWith('!')).map((t) => t.replace(/^!+/, '')));
  if ([...forbidden, ...all].some((t) => t === '')) {
    const form = allowForbidden ? 'HW_CPU_X86_VMX,!CUSTOM_MAGIC' : 'HW_CPU_X86_VMX,CUSTOM_MAGIC';
    throw bad(`Invalid query string parameters: Expected 'required' parameter value of the form: ${form}. ` +
      `Got an empty trait in: ${val}`);
  }
  if (forbidden.size > 0 && !allowForbidden) {
    throw bad("Invalid query string parameters: Expected 'required' parameter value of the form: " +
      `HW_CPU_X86_VMX,CUSTOM_MAGIC. Got: ${val}`);
  }
  return { required: all.filter((t) => !t.startsWith('!')).map((t) => new Set([t])), forbidden };
}

/** All `required<suffix>` values: before 1.39 only the last one counts. */
export function parseRequiredAll(values: readonly string[], version: Version): TraitFilter {
  const used = atLeast(version, '1.39') ? values : values.slice(-1);
  const required: ReadonlySet<string>[] = [];
  const forbidden = new Set<string>();
  for (const v of used) {
    const f = parseRequired(v, version);
    required.push(...f.required);
    for (const t of f.forbidden) forbidden.add(t);
  }
  return { required, forbidden };
}

export interface AggregateFilter {
  readonly required: ReadonlySet<string>[];
  readonly forbidden: ReadonlySet<string>;
}

function parseMemberOf(value: string): { required: Set<string>; forbidden: Set<string> } {
  if (value.includes(',') && !(value.startsWith('in:') || value.startsWith('!in:'))) {
    throw bad("Multiple values for 'member_of' must be prefixed with the 'in:' or '!in:' keyword using the " +
      `valid microversion. Got: ${value}`);
  }
  let required = new Set<string>();
  let forbidden = new Set<string>();
  if (value.startsWith('!in:')) forbidden = new Set(value.slice(4).split(','));
  else if (value.startsWith('!')) forbidden = new Set([value.slice(1)]);
  else if (value.startsWith('in:')) required = new Set(value.slice(3).split(','));
  else required = new Set([value]);
  for (const agg of [...required, ...forbidden]) {
    if (!isUuidLike(agg)) {
      throw bad("Invalid query string parameters: Expected 'member_of' parameter to contain valid UUID(s). " +
        `Got: ${agg}`);
    }
  }
  return { required, forbidden };
}

/** All `member_of<suffix>` values: several from 1.24, forbidden ones from 1.32. */
export function parseMemberOfAll(values: readonly string[], version: Version, suffix = ''): AggregateFilter {
  if (!atLeast(version, '1.24') && values.length > 1) {
    throw bad(`Multiple member_of${suffix} parameters are not supported`);
  }
  const required: ReadonlySet<string>[] = [];
  const forbidden = new Set<string>();
  for (const v of values) {
    const f = parseMemberOf(v);
    if (f.required.size > 0) required.push(f.required);
    if (f.forbidden.size > 0) {
      if (!atLeast(version, '1.32')) {
        throw bad(`Forbidden member_of${suffix} parameters are not supported in the specified microversion`);
      }
      for (const a of f.forbidden) forbidden.add(a);
    }
  }
  return { required, forbidden };
}

export function parseInTree(value: string): string {
  const v = value.trim();
  if (!isUuidLike(v)) {
    throw bad(`Invalid query string parameters: Expected 'in_tree' parameter to be a format of uuid. Got: ${value}`);
  }
  return v;
}
