import { describe, expect, it } from 'vitest';
import { HttpError, renderError, stripTags } from '../../src/http/error-format.ts';
import { call, makeApp } from './harness.ts';

const v = (minor: number) => ({ major: 1, minor });

describe('renderError', () => {
  it('builds webob detail: explanation, blank line, message, two spaces', async () => {
    const res = renderError(new HttpError({ status: 404, detail: 'No resource provider with uuid x found' }),
      { accept: 'application/json', method: 'GET', microversion: v(39), requestId: 'req-1' });
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe('{"errors": [{"status": 404, "title": "Not Found", "detail": ' +
      '"The resource could not be found.\\n\\n No resource provider with uuid x found  ", ' +
      '"code": "placement.undefined_code", "request_id": "req-1"}]}');
  });

  it('adds code only from 1.23', async () => {
    const e = new HttpError({ status: 409, detail: 'x', code: 'placement.duplicate_name' });
    const at = async (minor: number) =>
      JSON.parse(await renderError(e, { accept: 'application/json', method: 'PUT', microversion: v(minor) }).text());
    expect((await at(22)).errors[0].code).toBeUndefined();
    expect((await at(23)).errors[0].code).toBe('placement.duplicate_name');
  });

  it('picks HTML or plain text from Accept', async () => {
    const e = new HttpError({ status: 400, detail: 'a <b> & c' });
    const html = renderError(e, { accept: 'text/html', method: 'GET' });
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toContain('a &lt;b&gt; &amp; c');
    const plain = renderError(e, { accept: 'text/plain', method: 'GET' });
    expect(plain.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await plain.text()).toMatch(/^400 Bad Request\n\n/);
  });

  it('strips tags as webob does', () => {
    expect(stripTags('a<br /><br />\nb\n\n')).toBe('a\n\n b  ');
  });
});

describe('errors over HTTP', () => {
  const { app } = makeApp();

  it('404 for an unknown path, with request id and default code at 1.23', async () => {
    const r = await call(app, '/barnabas', { version: '1.23' });
    expect(r.status).toBe(404);
    expect(r.json.errors[0]).toMatchObject({ title: 'Not Found', code: 'placement.undefined_code' });
    expect(r.json.errors[0].request_id).toMatch(/^req-[0-9a-f-]{36}$/);
    expect(r.headers.get('x-openstack-request-id')).toBe(r.json.errors[0].request_id);
    expect(r.headers.get('openstack-api-version')).toBe('placement 1.23');
    expect(r.headers.get('vary')).toBeNull();
  });

  it('405 with Allow for a known path', async () => {
    for (const method of ['DELETE', 'OPTIONS', 'HEAD', 'PATCH']) {
      const r = await call(app, '/resource_providers', { method });
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('GET, POST');
    }
    const r = await call(app, '/resource_providers', { method: 'DELETE' });
    expect(r.json.errors[0].detail).toContain('The method DELETE is not allowed for this resource.');
  });

  it('406 when Accept refuses JSON', async () => {
    const r = await call(app, '/resource_providers', { headers: { accept: 'text/plain' } });
    expect(r.status).toBe(406);
    expect(r.text).toContain('Only application/json is provided');
    const wild = await call(app, '/resource_providers', { headers: { accept: 'text/html,*/*;q=0.8' } });
    expect(wild.status).toBe(200);
  });

  it('415 for a wrong or missing content type', async () => {
    const r = await call(app, '/resource_providers', {
      method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' },
    });
    expect(r.status).toBe(415);
    const none = await app.request('/resource_providers/d3a64825-8228-4ccb-8a6c-1c6d3eb6a3e8', {
      method: 'PUT', headers: { 'x-auth-token': 'admin' },
    });
    expect(none.status).toBe(415);
    expect(await none.text()).toContain('The media type None is not supported, use application/json');
  });

  it('400 for a body without a content type, and for a bad content-length', async () => {
    const r = await app.request('/resource_providers', {
      method: 'POST', headers: { 'x-auth-token': 'admin', 'content-length': '5' },
    });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain('content-type header required when content-length > 0');
    const bad = await app.request('/resource_providers', {
      method: 'POST', headers: { 'x-auth-token': 'admin', 'content-length': 'hi mom', 'content-type': 'application/json' },
    });
    expect(await bad.text()).toContain('content-length header must be an integer');
  });

  it('400 for malformed JSON', async () => {
    const r = await call(app, '/resource_providers', { method: 'POST', body: '{"foo": }' });
    expect(r.status).toBe(400);
    expect(r.text).toContain('Malformed JSON:');
  });
});
