/**
 * Bad encodings (breaker findings 14/15): invalid UTF-8 or a BOM in a JSON
 * body, invalid UTF-8 in the query: 400 with Python's sentences, as upstream.
 */
import { describe, expect, it } from 'vitest';
import { utf8ErrorText } from '../../src/http/validate.ts';
import { makeApp } from './harness.ts';

const H = { 'x-auth-token': 'admin', 'openstack-api-version': 'placement 1.39', accept: 'application/json',
  'content-type': 'application/json' };

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('utf8ErrorText matches Python bytes.decode("utf-8")', () => {
  it.each([
    [bytes('{"name":"caf', [0xe9], '"}'), "'utf-8' codec can't decode byte 0xe9 in position 12: invalid continuation byte"],
    [bytes([0xff]), "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"],
    [bytes('ab', [0xe2, 0x82]), "'utf-8' codec can't decode bytes in position 2-3: unexpected end of data"],
    [bytes([0xed, 0xa0, 0x80]), "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte"],
    [bytes([0xc0, 0x80]), "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte"],
    [bytes('é😀'), undefined],
  ])('%#', (input, expected) => {
    expect(utf8ErrorText(input)).toBe(expected);
  });
});

describe('over HTTP', () => {
  it('invalid UTF-8 in a JSON body is 400 Malformed JSON and creates nothing', async () => {
    const { app } = makeApp();
    const res = await app.request('/resource_providers', { method: 'POST', headers: H,
      body: bytes('{"name":"caf', [0xe9], '-repro"}') });
    expect(res.status).toBe(400);
    const body = await res.json() as any;
    expect(body.errors[0].detail).toContain(
      "Malformed JSON: 'utf-8' codec can't decode byte 0xe9 in position 12: invalid continuation byte");
    const list = await (await app.request('/resource_providers', { headers: H })).json() as any;
    expect(list.resource_providers).toEqual([]);
  });

  it('a UTF-8 BOM before the JSON is 400', async () => {
    const { app } = makeApp();
    const res = await app.request('/resource_providers', { method: 'POST', headers: H,
      body: bytes([0xef, 0xbb, 0xbf], '{"name":"bom"}') });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0].detail).toContain(
      'Malformed JSON: Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)');
  });

  it('valid non-ASCII still works', async () => {
    const { app } = makeApp();
    const res = await app.request('/resource_providers', { method: 'POST', headers: H,
      body: bytes('{"name":"café ☃ 😀"}') });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).name).toBe('café ☃ 😀');
  });

  it('invalid UTF-8 in the query is 400 Invalid query string parameters', async () => {
    const { app } = makeApp();
    for (const path of ['/resource_providers?name=%ff', '/resource_providers?n%ffame=1', '/traits?name=%e2%82',
      '/allocation_candidates?resources=%ff', '/usages?project_id=%ff']) {
      const res = await app.request(path, { headers: H });
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as any).errors[0].detail, path)
        .toMatch(/Invalid query string parameters: 'utf-8' codec can't decode byte/);
    }
    const ok = await app.request('/resource_providers?name=caf%C3%A9+x', { headers: H });
    expect(ok.status).toBe(200);
  });
});
