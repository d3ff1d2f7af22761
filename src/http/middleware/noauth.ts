/**
 * @module http/middleware/noauth
 * Upstream's noauth2 strategy: `x-auth-token: USER[:PROJECT]` names the
 * caller, `x-roles` gives the roles (else `admin` for the admin user),
 * `openstack-system-scope: all` makes the token system-scoped. Without a
 * token only `/` answers; everything else is 401.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv, AuthContext } from '../env.ts';
import { errorRequest, renderUnauthorized } from '../error-format.ts';
import { requestHeader } from '../request-header.ts';

export function authFromHeaders(header: (name: string) => string | undefined): AuthContext | null {
  const token = header('x-auth-token');
  if (token === undefined) return null;
  const sep = token.indexOf(':');
  const userId = sep < 0 ? token : token.slice(0, sep);
  const tokenProject = (sep < 0 ? '' : token.slice(sep + 1)) || userId;
  const rolesHeader = header('x-roles');
  const roles = rolesHeader !== undefined
    ? rolesHeader.split(',').map((r) => r.trim()).filter(Boolean)
    : userId === 'admin' ? ['admin'] : [];
  const systemScope = header('openstack-system-scope') || null;
  const projectId = header('x-project-id') ?? (systemScope ? null : tokenProject);
  return { userId, projectId, roles, systemScope };
}

const ANONYMOUS: AuthContext = { userId: '', projectId: null, roles: [], systemScope: null };

export function noauth(): MiddlewareHandler<AppEnv> {
  return async function noauth(c, next) {
    const auth = authFromHeaders((name) => requestHeader(c, name));
    if (auth === null && c.req.path !== '/') return renderUnauthorized(errorRequest(c));
    c.set('auth', auth ?? ANONYMOUS);
    await next();
  };
}
