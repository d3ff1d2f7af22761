import { describe, expect, it } from 'vitest';
import {
  atLeast, byVersion, compare, parseVersionHeader, VERSIONS, versionString, versionTables,
} from '../../src/http/microversion.ts';
import { call, makeApp } from './harness.ts';

describe('parseVersionHeader', () => {
  const table: [string | null, string | number][] = [
    [null, '1.0'],
    ['placement 1.15', '1.15'],
    ['placement latest', '1.39'],
    ['PLACEMENT 1.2', '1.2'],
    ['compute 2.1', '1.0'],
    ['placement 1.2, compute 2.1', '1.2'],
    ['placement 1.2, placement 1.5', '1.5'],
    ['placement   1.05  ', '1.5'],
    ['placement', '1.0'],
    ['placement 0.5', 406],
    ['placement 1.40', 406],
    ['placement 2.0', 406],
    ['placement pony.horse', 400],
    ['placement 1.2.3', 400],
    ['placement 1', 400],
    ['placement LATEST', 400],
  ];
  it.each(table)('%s -> %s', (header, expected) => {
    const r = parseVersionHeader(header);
    if (typeof expected === 'string') {
      expect(r.ok && versionString(r.version)).toBe(expected);
    } else {
      expect(r.ok ? 'ok' : r.status).toBe(expected);
    }
  });

  it('words errors as microversion_parse does', () => {
    const bad = parseVersionHeader('placement pony.horse');
    expect(!bad.ok && bad.detail).toBe(
      "Invalid microversion: invalid version string: pony.horse; invalid literal for int() with base 10: 'pony'");
    const out = parseVersionHeader('placement 0.5');
    expect(!out.ok && out.detail).toBe('Invalid microversion: Unacceptable version header: 0.5');
  });
});

describe('version helpers', () => {
  it('VERSIONS runs 1.0 to 1.39 without gaps', () => {
    expect(VERSIONS).toHaveLength(40);
    VERSIONS.forEach((v, i) => expect(v).toBe(`1.${i}`));
  });

  it('atLeast and byVersion pick by version, not by string', () => {
    const v = (s: string) => ({ major: 1, minor: Number(s.split('.')[1]) });
    expect(atLeast(v('1.10'), '1.9')).toBe(true);
    expect(atLeast(v('1.9'), '1.10')).toBe(false);
    expect(atLeast(v('1.7'), '1.2', '1.6')).toBe(false);
    const pick = byVersion({ '1.0': 'a', '1.9': 'b', '1.14': 'c' });
    expect([pick(v('1.0')), pick(v('1.10')), pick(v('1.13')), pick(v('1.39'))]).toEqual(['a', 'b', 'b', 'c']);
  });

  it('every version table has ascending keys, each one a known version', () => {
    makeApp(); // loads every route module, hence every table
    expect(versionTables().length).toBeGreaterThan(5);
    for (const table of versionTables()) {
      const keys = Object.keys(table);
      for (const k of keys) expect(VERSIONS as readonly string[]).toContain(k);
      const parsed = keys.map((k) => ({ major: 1, minor: Number(k.split('.')[1]) }));
      for (let i = 1; i < parsed.length; i++) expect(compare(parsed[i - 1]!, parsed[i]!)).toBeLessThan(0);
    }
  });
});

describe('negotiation over HTTP', () => {
  const { app } = makeApp();

  it('echoes the version and varies on it', async () => {
    const r = await call(app, '/', { version: 'latest' });
    expect(r.headers.get('openstack-api-version')).toBe('placement 1.39');
    expect(r.headers.get('vary')).toBe('openstack-api-version');
  });

  it('406 carries min and max and no version header', async () => {
    const r = await call(app, '/', { version: '0.5' });
    expect(r.status).toBe(406);
    expect(r.headers.get('openstack-api-version')).toBeNull();
    expect(r.json.errors[0]).toMatchObject({ title: 'Not Acceptable', max_version: '1.39', min_version: '1.0' });
    expect(r.text).toContain('Unacceptable version header: 0.5');
  });

  it('400 for a malformed version', async () => {
    const r = await call(app, '/', { version: '1.2.3' });
    expect(r.status).toBe(400);
    expect(r.text).toContain('invalid version string: 1.2.3');
  });

  it('406 in HTML when the client wants HTML', async () => {
    const r = await call(app, '/', { version: '0.5', headers: { accept: 'text/html' } });
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(r.text).toContain('Unacceptable version header: 0.5');
  });

  it('routes below their first version are 404 (before 415)', async () => {
    const r = await call(app, '/resource_classes', {
      method: 'POST', version: '1.1', body: 'data', headers: { 'content-type': 'text/plain' },
    });
    expect(r.status).toBe(404);
  });
});
