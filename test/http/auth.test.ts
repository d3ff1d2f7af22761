import { describe, expect, it } from 'vitest';
import type { AuthContext } from '../../src/http/env.ts';
import { authFromHeaders } from '../../src/http/middleware/noauth.ts';
import { allowed } from '../../src/http/policy.ts';
import { call, makeApp } from './harness.ts';

const headers = (h: Record<string, string>) => (name: string) => h[name];

describe('noauth2', () => {
  it('derives user, project, roles and scope from headers', () => {
    expect(authFromHeaders(headers({}))).toBeNull();
    expect(authFromHeaders(headers({ 'x-auth-token': 'admin' })))
      .toEqual({ userId: 'admin', projectId: 'admin', roles: ['admin'], systemScope: null });
    expect(authFromHeaders(headers({ 'x-auth-token': 'u:p' })))
      .toEqual({ userId: 'u', projectId: 'p', roles: [], systemScope: null });
    expect(authFromHeaders(headers({ 'x-auth-token': 'u', 'x-roles': 'admin,member,reader',
      'openstack-system-scope': 'all' })))
      .toEqual({ userId: 'u', projectId: null, roles: ['admin', 'member', 'reader'], systemScope: 'all' });
    expect(authFromHeaders(headers({ 'x-auth-token': 'u', 'x-roles': 'reader', 'x-project-id': 'p9' }))?.projectId)
      .toBe('p9');
  });

  it('401 without a token except at /', async () => {
    const { app } = makeApp();
    expect((await call(app, '/', { token: null })).status).toBe(200);
    const r = await call(app, '/resource_providers', { token: null });
    expect(r.status).toBe(401);
    expect(r.headers.get('x-openstack-request-id')).toMatch(/^req-/);
    expect(r.headers.get('openstack-api-version')).toBeNull();
  });
});

describe('policy profiles', () => {
  const systemAdmin: AuthContext = { userId: 'u', projectId: null, roles: ['admin', 'member', 'reader'], systemScope: 'all' };
  const systemReader = { ...systemAdmin, roles: ['reader'] };
  const projectAdmin: AuthContext = { userId: 'u', projectId: 'p', roles: ['admin', 'member', 'reader'], systemScope: null };
  const projectReader = { ...projectAdmin, roles: ['reader'] };
  const nobody: AuthContext = { userId: 'u', projectId: 'u', roles: [], systemScope: null };
  const table: [string, AuthContext, 'placement:resource_providers:list' | 'placement:resource_providers:create',
    boolean][] = [
    ['default', nobody, 'placement:resource_providers:list', false],
    ['default', projectAdmin, 'placement:resource_providers:create', true],
    ['legacy-rbac', systemReader, 'placement:resource_providers:list', true],
    ['legacy-rbac', systemReader, 'placement:resource_providers:create', false],
    ['legacy-rbac', projectReader, 'placement:resource_providers:list', false],
    ['secure-rbac', projectAdmin, 'placement:resource_providers:list', false],
    ['secure-rbac', systemReader, 'placement:resource_providers:list', true],
    ['secure-rbac', systemReader, 'placement:resource_providers:create', false],
    ['secure-rbac', systemAdmin, 'placement:resource_providers:create', true],
    ['open-policy', nobody, 'placement:resource_providers:create', true],
  ];
  it.each(table)('%s: %o %s -> %s', (profile, auth, rule, expected) => {
    expect(allowed(profile, rule, auth)).toBe(expected);
  });

  it('a refusal is a 403 in Placement format', async () => {
    const { app } = makeApp();
    const r = await call(app, '/resource_providers', { token: 'user' });
    expect(r.status).toBe(403);
    expect(r.json.errors[0].title).toBe('Forbidden');
    expect(r.text).toContain('Policy does not allow placement:resource_providers:list to be performed.');
  });

  it('cors profile answers preflight; others 405 OPTIONS', async () => {
    const preflight = { origin: 'http://valid.example.com', 'access-control-request-method': 'GET' };
    const cors = makeApp('cors').app;
    const r = await call(cors, '/', { method: 'OPTIONS', token: 'user', headers: preflight });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('http://valid.example.com');
    const plain = makeApp().app;
    expect((await call(plain, '/', { method: 'OPTIONS', token: 'user', headers: preflight })).status).toBe(405);
  });
});
