/**
 * @module http/allocation-candidates/request-groups
 * The query as request groups and request-wide options (upstream's
 * lib.RequestGroup / RequestWideParams), with their 400 sentences and
 * codes. Groups keep the order their first key appears in.
 */
import type { GroupPolicy, RequestGroup, RequestWide } from '../../domain/candidates/index.ts';
import { Code } from '../../errors/codes.ts';
import { HttpError } from '../error-format.ts';
import { atLeast, type Version } from '../microversion.ts';
import { parseInTree, parseMemberOfAll, parseRequired, parseRequiredAll, parseResources } from '../query-filters.ts';
import { groupKeys, type CandidatesQuery } from './schemas.ts';

const bad = (detail: string, code?: Code): HttpError => new HttpError({ status: 400, detail, code });

interface Draft {
  suffix: string;
  resources: Map<string, number>;
  required: RequestGroup['requiredTraits'];
  forbidden: ReadonlySet<string>;
  memberOf: RequestGroup['memberOf'];
  forbiddenAggregates: ReadonlySet<string>;
  inTree?: string;
}

const PREFIXES_BEFORE_1_25 = ['resources', 'required', 'member_of'];

/** Splits a key into prefix and suffix, or null when it is not a group key. */
function splitKey(key: string, v: Version): { prefix: string; suffix: string } | null {
  const keys = groupKeys(v);
  const prefixes = keys?.prefixes ?? PREFIXES_BEFORE_1_25;
  const suffix = keys?.suffix ?? '(?!)';
  const m = new RegExp(`^(${prefixes.join('|')})(${suffix})?$`).exec(key);
  return m ? { prefix: m[1]!, suffix: m[2] ?? '' } : null;
}

function draftGroups(entries: readonly [string, string][], v: Version): Map<string, Draft> {
  const all = (key: string) => entries.filter(([k]) => k === key).map(([, val]) => val);
  const drafts = new Map<string, Draft>();
  for (const [key, val] of entries) {
    const split = splitKey(key, v);
    if (!split) continue;
    const { prefix, suffix } = split;
    const d: Draft = drafts.get(suffix) ?? { suffix, resources: new Map(), required: [], forbidden: new Set(), memberOf: [],
      forbiddenAggregates: new Set() };
    drafts.set(suffix, d);
    if (prefix === 'resources') d.resources = parseResources(val);
    else if (prefix === 'required') {
      const t = parseRequiredAll(all(key), v);
      d.required = t.required;
      d.forbidden = t.forbidden;
    } else if (prefix === 'member_of') {
      const a = parseMemberOfAll(all(key), v, suffix);
      d.memberOf = a.required;
      d.forbiddenAggregates = a.forbidden;
    } else d.inTree = parseInTree(val);
  }
  return drafts;
}

/** 1.36+: resourceless groups must be named in same_subtree, whose suffixes must exist. */
function checkSubtrees(drafts: Map<string, Draft>, sameSubtrees: RequestWide['sameSubtrees']): void {
  const resourceless = [...drafts.values()].filter((d) => d.resources.size === 0).map((d) => d.suffix);
  if (resourceless.length === drafts.size) {
    throw bad('There must be at least one resources or resources[$S] parameter.', Code.QueryMissingValue);
  }
  const inSubtrees = new Set(sameSubtrees.flatMap((s) => [...s]));
  const badless = resourceless.filter((s) => !inSubtrees.has(s));
  if (badless.length > 0) {
    throw bad('Resourceless suffixed group request should be specified in `same_subtree` query param: bad group(s) - ' +
      `[${badless.map((s) => `'${s}'`).join(', ')}].`, Code.QueryBadValue);
  }
  const unknown = [...inSubtrees].filter((s) => !drafts.has(s));
  if (unknown.length > 0) {
    throw bad(`Real suffixes should be specified in \`same_subtree\`: [${unknown.map((s) => `'${s}'`).join(', ')}] ` +
      `not found in [${[...drafts.keys()].map((s) => `'${s}'`).join(', ')}].`, Code.QueryBadValue);
  }
}

/** Before 1.36: traits and member_of need resources in their group; some group is needed. */
function checkOrphans(drafts: Map<string, Draft>): void {
  const groups = [...drafts.values()];
  const traitOrphans = groups.filter((d) => d.required.length > 0 && d.resources.size === 0);
  if (traitOrphans.length > 0) {
    throw bad('All traits parameters must be associated with resources.  Found the following orphaned traits keys: ' +
      traitOrphans.map((d) => `required${d.suffix}`).join(', '));
  }
  const aggOrphans = groups.filter((d) => d.resources.size === 0 &&
    (d.memberOf.length > 0 || d.forbiddenAggregates.size > 0));
  if (aggOrphans.length > 0) {
    throw bad('All member_of parameters must be associated with resources. Found the following orphaned member_of ' +
      `keys: ${aggOrphans.map((d) => `member_of${d.suffix}`).join(', ')}`);
  }
  if (!groups.every((d) => d.resources.size > 0)) throw bad('All request groups must specify resources.');
  if (groups.length === 0) {
    throw bad('At least one request group (`resources` or `resources{$S}`) is required.');
  }
}

function checkForbidden(drafts: Map<string, Draft>): void {
  const conflicts: string[] = [];
  for (const d of drafts.values()) {
    for (const any of d.required) {
      if ([...any].every((t) => d.forbidden.has(t))) conflicts.push(`required${d.suffix}: (${[...any].sort().join(', ')})`);
    }
  }
  if (conflicts.length > 0) {
    throw bad(`Conflicting required and forbidden traits found in the following traits keys: ${conflicts.sort().join(', ')}`);
  }
}

export function parseGroups(entries: readonly [string, string][], v: Version, wide: RequestWide): RequestGroup[] {
  const drafts = draftGroups(entries, v);
  if (atLeast(v, '1.36')) checkSubtrees(drafts, wide.sameSubtrees);
  else checkOrphans(drafts);
  if (atLeast(v, '1.22')) checkForbidden(drafts);
  return [...drafts.values()].map((d) => ({
    suffix: d.suffix, useSameProvider: d.suffix !== '', resources: d.resources,
    requiredTraits: d.required, forbiddenTraits: d.forbidden, memberOf: d.memberOf,
    forbiddenAggregates: d.forbiddenAggregates, inTree: d.inTree,
  }));
}

function parseRootRequired(values: readonly string[], v: Version): Pick<RequestWide, 'rootRequired' | 'rootForbidden'> {
  if (values.length === 0) return {};
  if (values.length > 1) {
    throw bad("Query parameter 'root_required' may be specified only once.", Code.QueryDuplicateKey);
  }
  const val = values[0]!;
  if (val.startsWith('in:')) {
    throw bad("Invalid query string parameters: The format 'in:HW_CPU_X86_VMX,CUSTOM_MAGIC' only supported since " +
      `microversion 1.39. Got: ${val}`);
  }
  const t = parseRequired(val, v);
  const required = new Set(t.required.flatMap((any) => [...any]));
  const conflicts = [...t.forbidden].filter((x) => required.has(x));
  if (conflicts.length > 0) {
    throw bad(`Conflicting required and forbidden traits found in root_required: ${conflicts.join(', ')}`,
      Code.QueryBadValue);
  }
  return { rootRequired: required, rootForbidden: t.forbidden };
}

function parseSameSubtrees(values: readonly string[]): Set<string>[] {
  return values.map((val) => {
    const suffixes = new Set(val.split(',').map((s) => s.trim()));
    if (suffixes.has('')) {
      throw bad('Empty string (unsuffixed group) can not be specified in `same_subtree` ', Code.QueryBadValue);
    }
    return suffixes;
  });
}

export function parseRequestWide(entries: readonly [string, string][], q: CandidatesQuery, v: Version): RequestWide {
  const all = (key: string) => entries.filter(([k]) => k === key).map(([, val]) => val);
  const limits = all('limit');
  return {
    limit: limits.length > 0 && q.limit !== undefined ? Number(limits[0]) : undefined,
    groupPolicy: (all('group_policy')[0] as GroupPolicy | undefined) ?? undefined,
    ...parseRootRequired(all('root_required'), v),
    sameSubtrees: parseSameSubtrees(all('same_subtree')),
    nestedAware: atLeast(v, '1.29'),
  };
}
