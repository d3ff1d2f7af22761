/**
 * Hostile request bodies and paths (the breaker's findings): every answer
 * is a 4xx in Placement's format, fast, and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { pformat, pyRepr, PFORMAT_LIMIT, REPR_LIMIT } from '../../src/http/py-format.ts';
import { MAX_BODY_BYTES } from '../../src/http/middleware/body-limit.ts';
import { call, makeApp } from './harness.ts';

const V = '1.39';

describe('error text is linear and bounded', () => {
  it('caps a repr and a pformat of a huge value', () => {
    const big = 'x'.repeat(5_000_000);
    const started = Date.now();
    const r = pyRepr(big);
    const p = pformat({ name: big });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(r.length).toBe(REPR_LIMIT + 3);
    expect(r.endsWith('...')).toBe(true);
    expect(p.length).toBe(PFORMAT_LIMIT + 3);
  });

  it('pformat of a deep nest costs O(width) per level', () => {
    let deep: unknown = 'y'.repeat(100_000);
    for (let i = 0; i < 900; i++) deep = [deep];
    const started = Date.now();
    pformat({ name: 'x', zz: deep });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('keeps the small forms exact', () => {
    expect(pyRepr("a'b\"c\n\u00e9\ud800")).toBe("'a\\'b\"c\\n\u00e9\\ud800'");
    expect(pyRepr("it's")).toBe('"it\'s"');
    expect(pformat({ name: 'x '.repeat(40) })).toBe(
      "{'name': 'x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x '\n" +
      "         'x x x x x x x x x x '}"); // Python's pprint.pformat(..., width=72)
  });

  it('answers a long name with a 400 quickly', async () => {
    const { app } = makeApp();
    const started = Date.now();
    const res = await call(app, '/resource_providers', { method: 'POST', version: V,
      body: `{"name":"${'x'.repeat(MAX_BODY_BYTES - 20)}"}` });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(400);
    expect(res.json.errors[0].detail).toContain('is too long');
    expect(res.text.length).toBeLessThan(3 * PFORMAT_LIMIT);
  });

  it('answers a 100 KB string nested 900 deep quickly', async () => {
    const { app } = makeApp();
    const body = `{"name":"x","zz":${'['.repeat(900)}"${'y'.repeat(100_000)}"${']'.repeat(900)}}`;
    const started = Date.now();
    const res = await call(app, '/resource_providers', { method: 'POST', version: V, body });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(400);
    expect(res.json.errors[0].detail).toContain("Additional properties are not allowed ('zz' was unexpected)");
  });
});

describe('request body size limit', () => {
  it('answers 413 in Placement format past the limit', async () => {
    const { app, ledger } = makeApp();
    const res = await call(app, '/resource_providers', { method: 'POST', version: V,
      body: `{"name":"${'x'.repeat(MAX_BODY_BYTES)}"}` });
    expect(res.status).toBe(413);
    expect(res.json.errors[0].title).toBe('Request Entity Too Large');
    expect(res.json.errors[0].detail).toMatch(/^The body of your request was too large for this server\.\n\n /);
    expect(res.json.errors[0].code).toBe('placement.undefined_code');
    expect(ledger).toBeDefined();
  });

  it('refuses a Content-Length over the limit unread', async () => {
    const { app } = makeApp();
    const res = await call(app, '/resource_providers', { method: 'POST', version: V,
      headers: { 'content-length': String(MAX_BODY_BYTES + 1) }, body: '{"name":"a"}' });
    expect(res.status).toBe(413);
  });

  it('lets a body at the limit through', async () => {
    const { app } = makeApp();
    const name = 'a';
    const body = `{"name":"${name}"${' '.repeat(MAX_BODY_BYTES - 12)}}`;
    expect(body.length).toBe(MAX_BODY_BYTES);
    const res = await call(app, '/resource_providers', { method: 'POST', version: V, body });
    expect(res.status).toBe(200);
  });
});

describe('deeply nested JSON', () => {
  const nest = (d: number) => '['.repeat(d) + ']'.repeat(d);

  it('answers 400 Malformed JSON past the depth limit, never a 500', async () => {
    const { app, ledger } = makeApp();
    const before = JSON.stringify(ledger);
    for (const d of [1001, 6000, 200_000]) {
      const res = await call(app, '/resource_providers', { method: 'POST', version: V,
        body: `{"name":${nest(d)}}` });
      expect(res.status).toBe(400);
      expect(res.json.errors[0].detail).toContain('Malformed JSON: maximum recursion depth exceeded');
    }
    expect(JSON.stringify(ledger)).toBe(before);
  });

  it('also for traits nested 6000 deep', async () => {
    const { app } = makeApp();
    const uuid = 'e0e0e0e0-0000-0000-0000-00000000000a';
    expect((await call(app, '/resource_providers', { method: 'POST', version: V,
      body: { name: 'a', uuid } })).status).toBe(200);
    const res = await call(app, `/resource_providers/${uuid}/traits`, { method: 'PUT', version: V,
      body: `{"resource_provider_generation":0,"traits":${nest(6000)}}` });
    expect(res.status).toBe(400);
  });

  it('validates a document at the depth limit normally', async () => {
    const { app } = makeApp();
    const res = await call(app, '/resource_providers', { method: 'POST', version: V,
      body: `{"name":${nest(999)}}` });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].detail).toContain('is not of type');
  });

  it('does not count brackets inside strings', async () => {
    const { app } = makeApp();
    const res = await call(app, '/resource_providers', { method: 'POST', version: V,
      body: JSON.stringify({ name: '['.repeat(150) + '\\"[' }) });
    expect(res.status).toBe(200);
  });
});
