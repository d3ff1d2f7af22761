/**
 * @module http/microversion
 * The one list of Placement microversions, the `OpenStack-API-Version`
 * header parser (microversion_parse's rules: last `placement` entry wins,
 * no header means the minimum, `latest` the maximum) and the helpers
 * routes, schemas and views use to vary by version.
 */
import type { MiddlewareHandler } from 'hono';
import { HttpError } from './error-format.ts';

/** The canonical version list; the history is upstream's rest_api_version_history.rst. */
export const VERSIONS = [
  '1.0', // initial API: providers, inventories, usages, allocations
  '1.1', // provider aggregates
  '1.2', // /resource_classes
  '1.3', // member_of on GET /resource_providers
  '1.4', // resources on GET /resource_providers
  '1.5', // DELETE /resource_providers/{uuid}/inventories
  '1.6', // /traits and provider traits
  '1.7', // PUT /resource_classes/{name} is a bodiless create-if-absent
  '1.8', // project_id and user_id required on PUT /allocations
  '1.9', // GET /usages
  '1.10', // GET /allocation_candidates
  '1.11', // 'allocations' link on providers
  '1.12', // dict-shaped allocations on PUT and GET /allocations/{consumer}
  '1.13', // POST /allocations for many consumers
  '1.14', // parent/root provider uuids; in_tree filter
  '1.15', // last-modified and cache-control headers
  '1.16', // limit on GET /allocation_candidates
  '1.17', // required traits on GET /allocation_candidates
  '1.18', // required traits on GET /resource_providers
  '1.19', // provider generation on aggregates GET and PUT
  '1.20', // POST /resource_providers returns the provider (200)
  '1.21', // member_of on GET /allocation_candidates
  '1.22', // forbidden traits (!TRAIT)
  '1.23', // error codes in error bodies
  '1.24', // repeated member_of on GET /resource_providers
  '1.25', // granular request groups on GET /allocation_candidates
  '1.26', // reserved may equal total
  '1.27', // all inventories in provider_summaries
  '1.28', // consumer generations
  '1.29', // nested providers in allocation candidates
  '1.30', // POST /reshaper
  '1.31', // in_tree on GET /allocation_candidates
  '1.32', // forbidden aggregates (member_of=!)
  '1.33', // free-form request group suffixes
  '1.34', // mappings in allocation requests
  '1.35', // root_required on GET /allocation_candidates
  '1.36', // same_subtree; resourceless request groups
  '1.37', // re-parenting and un-parenting providers
  '1.38', // consumer_type
  '1.39', // in: syntax for required traits
] as const;

export type VersionString = (typeof VERSIONS)[number];

/** A parsed microversion; compare with `atLeast`, never by string. */
export interface Version {
  readonly major: number;
  readonly minor: number;
}

export const MIN_VERSION: VersionString = VERSIONS[0];
export const MAX_VERSION: VersionString = VERSIONS[VERSIONS.length - 1];

export const versionString = (v: Version): string => `${v.major}.${v.minor}`;

const parseKnown = (s: VersionString): Version => {
  const [major, minor] = s.split('.').map(Number);
  return { major: major!, minor: minor! };
};

export const compare = (a: Version, b: Version): number => a.major - b.major || a.minor - b.minor;

/** Is `v` at or above `min` (and at or below `max`, when given)? */
export function atLeast(v: Version, min: VersionString, max?: VersionString): boolean {
  return compare(v, parseKnown(min)) >= 0 && (max === undefined || compare(v, parseKnown(max)) <= 0);
}

export type ParseResult =
  | { readonly ok: true; readonly version: Version }
  | { readonly ok: false; readonly status: 400 | 406; readonly detail: string };

/** Python's `int()` on a string: surrounding whitespace, a sign and `_` separators allowed. */
function pyInt(s: string): number | undefined {
  const m = /^\s*([+-]?\d+(?:_\d+)*)\s*$/.exec(s);
  return m ? Number(m[1]!.replace(/_/g, '')) : undefined;
}

/** The version requested by an `OpenStack-API-Version` value (null: header absent). */
export function parseVersionHeader(header: string | null): ParseResult {
  const found = header === null ? undefined : findPlacementVersion(header);
  const requested = found === 'latest' ? MAX_VERSION : (found ?? MIN_VERSION);
  const parts = requested.split('.');
  const bad = (why: string): ParseResult => ({
    ok: false, status: 400, detail: `Invalid microversion: invalid version string: ${requested}; ${why}`,
  });
  const major = pyInt(parts[0]!);
  if (major === undefined) return bad(`invalid literal for int() with base 10: ${pyStr(parts[0]!)}`);
  if (parts.length < 2) return bad("Version.__new__() missing 1 required positional argument: 'minor'");
  const rest = parts.slice(1).join('.');
  const minor = pyInt(rest);
  if (minor === undefined) return bad(`invalid literal for int() with base 10: ${pyStr(rest)}`);
  const version = { major, minor };
  if (!(VERSIONS as readonly string[]).includes(versionString(version))) {
    return { ok: false, status: 406, detail: `Invalid microversion: Unacceptable version header: ${requested}` };
  }
  return { ok: true, version };
}

const pyStr = (s: string): string => (s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s}'`);

/**
 * Repeated headers arrive joined by ','; the last entry for placement wins.
 * Legacy headers (`openstack-placement-api-version` and the like) are
 * ignored: upstream's middleware gives microversion_parse none to look at.
 */
function findPlacementVersion(header: string): string | undefined {
  for (const entry of header.split(',').reverse()) {
    const m = /^(\S+)\s+(.+)$/s.exec(entry.trim());
    if (m && m[1]!.toLowerCase() === 'placement') return m[2]!.trim();
  }
  return undefined;
}

/**
 * Route gate: below `min` (or above `max`) the route answers `status`
 * (404 unless told), as if it were not there.
 */
export function since(min: VersionString, options: { status?: 404 | 405; max?: VersionString } = {}):
  MiddlewareHandler {
  const { status = 404, max } = options;
  return async function since(c, next) {
    if (!atLeast(c.get('microversion'), min, max)) throw new HttpError({ status });
    await next();
  };
}

/** A value per version: keys are the versions where it changes, ascending. */
export type VersionTable<T> = Readonly<Partial<Record<VersionString, T>>>;

const tables: VersionTable<unknown>[] = [];

/** Every table made by `byVersion` so far, for the test that walks them. */
export const versionTables = (): readonly VersionTable<unknown>[] => tables;

/** Picks the entry for the highest key at or below `v`; throws below the first key. */
export function byVersion<T>(table: VersionTable<T>): (v: Version) => T {
  tables.push(table);
  const entries = (Object.entries(table) as [VersionString, T][])
    .sort(([a], [b]) => compare(parseKnown(a), parseKnown(b)));
  const pick = (v: Version): T => {
    let chosen: T | undefined;
    for (const [key, value] of entries) if (compare(v, parseKnown(key)) >= 0) chosen = value;
    if (chosen === undefined) throw new Error(`no entry at or below ${versionString(v)}`);
    return chosen;
  };
  return pick;
}
