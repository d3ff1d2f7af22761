/**
 * @module http/allocation-candidates/schemas
 * The GET /allocation_candidates query per microversion (upstream's
 * schemas/allocation_candidate.py). From 1.25 the group keys are patterns
 * (`resources<suffix>`, ...): those keys are checked here against the
 * regexes, the fixed keys by zod.
 */
import { z } from 'zod';
import { HttpError } from '../error-format.ts';
import { byVersion, type Version } from '../microversion.ts';
import { pyRepr } from '../py-format.ts';
import { check } from '../validate.ts';

const text = z.string();
const limit = z.string().regex(/^[1-9][0-9]*$/);
const groupPolicy = z.enum(['none', 'isolate']);

const v1_10 = z.strictObject({ resources: text });
const v1_16 = v1_10.extend({ limit: limit.optional() });
const v1_17 = v1_16.extend({ required: text.optional() });
const v1_21 = v1_17.extend({ member_of: text.optional() });
// 1.25: resources, required and member_of become suffixed patterns (below); the rest stays fixed.
const v1_25 = z.strictObject({ limit: limit.optional(), group_policy: groupPolicy.optional() });
const v1_35 = v1_25.extend({ root_required: text.optional() });
const v1_36 = v1_35.extend({ same_subtree: text.optional() });

export type CandidatesQuery = Partial<Record<'resources' | 'limit' | 'required' | 'member_of' | 'group_policy' |
  'root_required' | 'same_subtree', string>>;

const fixedQuery = byVersion<z.ZodType<CandidatesQuery>>({
  '1.10': v1_10, '1.16': v1_16, '1.17': v1_17, '1.21': v1_21, '1.25': v1_25, '1.35': v1_35, '1.36': v1_36,
});

export const GROUP_SUFFIX = '[1-9][0-9]*';
// 1.33: free-form suffixes
export const GROUP_SUFFIX_1_33 = '[a-zA-Z0-9_-]{1,64}';

/** The group keys that are patterns from 1.25, and the suffix they allow. */
export const groupKeys = byVersion<{ readonly prefixes: readonly string[]; readonly suffix: string } | null>({
  '1.10': null,
  '1.25': { prefixes: ['resources', 'required', 'member_of'], suffix: GROUP_SUFFIX },
  '1.31': { prefixes: ['resources', 'required', 'member_of', 'in_tree'], suffix: GROUP_SUFFIX },
  '1.33': { prefixes: ['resources', 'required', 'member_of', 'in_tree'], suffix: GROUP_SUFFIX_1_33 },
});

const keyRegexes = (prefixes: readonly string[], suffix: string): string[] =>
  prefixes.map((p) => `^${p}(${suffix})?$`).sort();

/** Validates the query (last value per key): 400 with jsonschema's sentence. */
export function checkQuery(v: Version, params: Readonly<Record<string, string>>): CandidatesQuery {
  const schema = fixedQuery(v);
  const keys = groupKeys(v);
  if (!keys) return check(schema, params, 'Invalid query string parameters: ');
  const regexes = keyRegexes(keys.prefixes, keys.suffix);
  const matchers = regexes.map((r) => new RegExp(r));
  const fixed = Object.keys((schema as unknown as { shape: Record<string, unknown> }).shape);
  const extras = Object.keys(params).filter((k) => !fixed.includes(k) && !matchers.some((m) => m.test(k))).sort();
  if (extras.length > 0) {
    const verb = extras.length === 1 ? 'does' : 'do';
    throw new HttpError({
      status: 400,
      detail: `Invalid query string parameters: ${extras.map((k) => pyRepr(k)).join(', ')} ${verb} not match any of ` +
        `the regexes: ${regexes.map((r) => pyRepr(r)).join(', ')}\n\nFailed validating 'additionalProperties' in schema`,
    });
  }
  const own = Object.fromEntries(Object.entries(params).filter(([k]) => fixed.includes(k)));
  return check(schema, own, 'Invalid query string parameters: ');
}
