/**
 * Location headers are absolute, as webob makes Placement's paths: the
 * request's Host, and the scheme the front server reports in
 * X-Forwarded-Proto; a scheme urljoin cannot use leaves the path relative.
 */
import { describe, expect, it } from 'vitest';
import { call, makeApp } from './harness.ts';

const V = '1.39';
const RP = 'aaaaaaaa-0000-4000-8000-000000000001';

describe('Location', () => {
  it('is absolute on every create, against the Host header', async () => {
    const { app } = makeApp();
    const host = { host: 'placement.example:8778' };
    const rp = await call(app, 'http://placement.example:8778/resource_providers',
      { method: 'POST', version: V, headers: host, body: { name: 'a', uuid: RP } });
    expect(rp.headers.get('location')).toBe(`http://placement.example:8778/resource_providers/${RP}`);
    const rc = await call(app, 'http://placement.example:8778/resource_classes',
      { method: 'POST', version: V, headers: host, body: { name: 'CUSTOM_A' } });
    expect(rc.headers.get('location')).toBe('http://placement.example:8778/resource_classes/CUSTOM_A');
    const put = await call(app, 'http://placement.example:8778/resource_classes/CUSTOM_B', { method: 'PUT', version: V });
    expect(put.headers.get('location')).toBe('http://placement.example:8778/resource_classes/CUSTOM_B');
    const trait = await call(app, 'http://placement.example:8778/traits/CUSTOM_T', { method: 'PUT', version: V });
    expect(trait.headers.get('location')).toBe('http://placement.example:8778/traits/CUSTOM_T');
    const inv = await call(app, `http://placement.example:8778/resource_providers/${RP}/inventories`,
      { method: 'POST', version: '1.0', body: { resource_class: 'VCPU', total: 1 } });
    expect(inv.headers.get('location')).toBe(`http://placement.example:8778/resource_providers/${RP}/inventories/VCPU`);
  });

  it('takes the scheme from X-Forwarded-Proto, or stays relative when urljoin could not use it', async () => {
    const { app } = makeApp();
    const put = (name: string, proto: string) => call(app, `/traits/${name}`,
      { method: 'PUT', version: V, headers: { 'x-forwarded-proto': proto } });
    expect((await put('CUSTOM_A', 'HTTPS')).headers.get('location')).toBe('https://localhost/traits/CUSTOM_A');
    expect((await put('CUSTOM_B', 'https, http')).headers.get('location')).toBe('/traits/CUSTOM_B');
  });
});
