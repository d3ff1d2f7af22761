/**
 * @module http/policy
 * Placement 8.0.0's policy rules and the four ways a server profile
 * enforces them (see the conformance README, "Profiles"). A refusal is a
 * 403 that upstream raises past the handler.
 */
import type { Context } from 'hono';
import type { AppEnv, AuthContext } from './env.ts';
import { HttpError } from './error-format.ts';

export type Profile = 'default' | 'legacy-rbac' | 'secure-rbac' | 'open-policy' | 'cors';

export const PROFILES: readonly Profile[] = ['default', 'legacy-rbac', 'secure-rbac', 'open-policy', 'cors'];

type Base = 'system_admin_api' | 'system_reader_api' | 'system_or_project_reader';
type Scope = 'system' | 'project';

interface Rule {
  readonly check: Base;
  readonly scopes: readonly Scope[];
}

const admin: Rule = { check: 'system_admin_api', scopes: ['system'] };
const reader: Rule = { check: 'system_reader_api', scopes: ['system'] };

export const RULES = {
  'placement:resource_providers:list': reader,
  'placement:resource_providers:create': admin,
  'placement:resource_providers:show': reader,
  'placement:resource_providers:update': admin,
  'placement:resource_providers:delete': admin,
  'placement:resource_classes:list': reader,
  'placement:resource_classes:create': admin,
  'placement:resource_classes:show': reader,
  'placement:resource_classes:update': admin,
  'placement:resource_classes:delete': admin,
  'placement:resource_providers:inventories:list': reader,
  'placement:resource_providers:inventories:create': admin,
  'placement:resource_providers:inventories:show': reader,
  'placement:resource_providers:inventories:update': admin,
  'placement:resource_providers:inventories:delete': admin,
  'placement:resource_providers:aggregates:list': reader,
  'placement:resource_providers:aggregates:update': admin,
  'placement:resource_providers:usages': reader,
  'placement:usages': { check: 'system_or_project_reader', scopes: ['system', 'project'] },
  'placement:traits:list': reader,
  'placement:traits:show': reader,
  'placement:traits:update': admin,
  'placement:traits:delete': admin,
  'placement:resource_providers:traits:list': reader,
  'placement:resource_providers:traits:update': admin,
  'placement:resource_providers:traits:delete': admin,
  'placement:allocations:manage': admin,
  'placement:allocations:list': reader,
  'placement:allocations:update': admin,
  'placement:allocations:delete': admin,
  'placement:resource_providers:allocations:list': reader,
  'placement:allocation_candidates:list': reader,
  'placement:reshaper:reshape': admin,
} as const satisfies Record<string, Rule>;

export type RuleName = keyof typeof RULES;

/** Whose project the action is about; by default the caller's own. */
export interface Target {
  readonly projectId: string | null;
}

function newCheck(base: Base, auth: AuthContext, target: Target): boolean {
  const has = (role: string) => auth.roles.includes(role);
  const system = auth.systemScope === 'all';
  switch (base) {
    case 'system_admin_api': return has('admin') && system;
    case 'system_reader_api': return has('reader') && system;
    case 'system_or_project_reader':
      return (has('reader') && system) ||
        (has('reader') && auth.projectId !== null && auth.projectId === target.projectId);
  }
}

export function allowed(profile: string, rule: RuleName, auth: AuthContext, target?: Target): boolean {
  if (profile === 'open-policy') return true;
  const { check, scopes } = RULES[rule] as Rule;
  const t = target ?? { projectId: auth.projectId };
  if (profile === 'secure-rbac') {
    const scope: Scope = auth.systemScope === 'all' ? 'system' : 'project';
    return scopes.includes(scope) && newCheck(check, auth, t);
  }
  // enforce_new_defaults = False: the deprecated 'role:admin' still passes.
  return newCheck(check, auth, t) || auth.roles.includes('admin');
}

/** 403 unless the caller may perform `rule`. */
export function authorize(c: Context<AppEnv>, rule: RuleName, target?: Target): void {
  const profile = c.get('deps').profile ?? 'default';
  if (!allowed(profile, rule, c.get('auth'), target)) {
    throw new HttpError({ status: 403, detail: `Policy does not allow ${rule} to be performed.`, raised: true });
  }
}
