import { describe, expect, it } from 'vitest';
import { call, makeApp } from './harness.ts';

const RP = '4e8e5957-649f-477b-9e5b-f1f75b21c03c';

async function withProvider() {
  const { app, ledger } = makeApp();
  const r = await call(app, '/resource_providers', { method: 'POST', version: '1.20', body: { name: 'rp', uuid: RP } });
  expect(r.status).toBe(200);
  return { app, ledger };
}

const put = (name: string, version = '1.6') => ({ method: 'PUT', version });

describe('/traits', () => {
  it('creates a custom trait once: 201 then 204, with a location and no content type', async () => {
    const { app } = makeApp();
    const first = await call(app, '/traits/CUSTOM_TRAIT_1', put('CUSTOM_TRAIT_1'));
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe('http://localhost/traits/CUSTOM_TRAIT_1');
    expect(first.headers.get('content-type')).toBeNull();
    expect(first.headers.get('cache-control')).toBeNull();
    const again = await call(app, '/traits/CUSTOM_TRAIT_1', put('CUSTOM_TRAIT_1', '1.15'));
    expect(again.status).toBe(204);
    expect(again.headers.get('cache-control')).toBe('no-cache');
    expect(again.headers.get('last-modified')).toMatch(/GMT$/);
  });

  it('refuses names that are not CUSTOM_ with upstream\'s sentence', async () => {
    const { app } = makeApp();
    for (const name of ['TRAIT_X', 'CUSTOM_ABC:1', `CUSTOM_${'A'.repeat(249)}`]) {
      const r = await call(app, `/traits/${name}`, put(name));
      expect(r.status).toBe(400);
      expect(r.json.errors[0].detail).toContain('The trait is invalid. A valid trait must be no longer than 255 ' +
        'characters, start with the prefix "CUSTOM_" and use following characters: "A"-"Z", "0"-"9" and "_"');
    }
  });

  it('is absent before 1.6', async () => {
    const { app } = makeApp();
    expect((await call(app, '/traits', { version: '1.5' })).status).toBe(404);
    expect((await call(app, '/traits/CUSTOM_A', put('CUSTOM_A', '1.5'))).status).toBe(404);
  });

  it('shows a trait as a bodiless 204 and a missing one as 404', async () => {
    const { app } = makeApp();
    await call(app, '/traits/CUSTOM_A', put('CUSTOM_A'));
    const r = await call(app, '/traits/CUSTOM_A', { version: '1.6' });
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    const missing = await call(app, '/traits/CUSTOM_NOPE', { version: '1.6' });
    expect(missing.status).toBe(404);
    expect(missing.json.errors[0].detail).toContain('No such trait(s): CUSTOM_NOPE.');
  });

  it('deletes custom traits only, and not while a provider has them', async () => {
    const { app } = await withProvider();
    await call(app, '/traits/CUSTOM_A', put('CUSTOM_A'));
    const standard = await call(app, '/traits/HW_CPU_X86_SSE', { method: 'DELETE', version: '1.6' });
    expect(standard.status).toBe(400);
    expect(standard.json.errors[0].detail).toContain('Cannot delete standard trait HW_CPU_X86_SSE.');
    await call(app, `/resource_providers/${RP}/traits`, { method: 'PUT', version: '1.6',
      body: { traits: ['CUSTOM_A'], resource_provider_generation: 0 } });
    const inUse = await call(app, '/traits/CUSTOM_A', { method: 'DELETE', version: '1.6' });
    expect(inUse.status).toBe(409);
    expect(inUse.json.errors[0].detail).toContain('The trait CUSTOM_A is in use by a resource provider.');
    await call(app, `/resource_providers/${RP}/traits`, { method: 'DELETE', version: '1.6' });
    const gone = await call(app, '/traits/CUSTOM_A', { method: 'DELETE', version: '1.6' });
    expect(gone.status).toBe(204);
    expect((await call(app, '/traits/CUSTOM_A', { method: 'DELETE', version: '1.6' })).status).toBe(404);
  });

  it('lists with name=in:, name=startswith: and associated filters', async () => {
    const { app } = await withProvider();
    for (const n of ['CUSTOM_TRAIT_1', 'CUSTOM_TRAIT_2', 'CUSTOM_OTHER']) await call(app, `/traits/${n}`, put(n));
    const all = await call(app, '/traits', { version: '1.6' });
    expect(all.json.traits).toEqual(expect.arrayContaining(['CUSTOM_TRAIT_1', 'HW_CPU_X86_SHA', 'MISC_SHARES_VIA_AGGREGATE']));
    const within = await call(app, '/traits?name=in:CUSTOM_TRAIT_1,CUSTOM_TRAIT_2,CUSTOM_NOPE', { version: '1.6' });
    expect(within.json.traits).toEqual(['CUSTOM_TRAIT_1', 'CUSTOM_TRAIT_2']);
    const prefix = await call(app, '/traits?name=startswith:CUSTOM_TRAIT', { version: '1.6' });
    expect(prefix.json.traits.sort()).toEqual(['CUSTOM_TRAIT_1', 'CUSTOM_TRAIT_2']);
    await call(app, `/resource_providers/${RP}/traits`, { method: 'PUT', version: '1.6',
      body: { traits: ['CUSTOM_OTHER', 'HW_CPU_X86_SSE'], resource_provider_generation: 0 } });
    const assoc = await call(app, '/traits?associated=true', { version: '1.6' });
    expect(assoc.json.traits.sort()).toEqual(['CUSTOM_OTHER', 'HW_CPU_X86_SSE']);
    const unassoc = await call(app, '/traits?name=startswith:CUSTOM_&associated=FALSE', { version: '1.6' });
    expect(unassoc.json.traits.sort()).toEqual(['CUSTOM_TRAIT_1', 'CUSTOM_TRAIT_2']);
  });

  it('refuses bad list parameters', async () => {
    const { app } = makeApp();
    const name = await call(app, '/traits?name=in_abc', { version: '1.6' });
    expect(name.status).toBe(400);
    expect(name.json.errors[0].detail).toContain('Badly formatted name parameter. Expected name query string ' +
      'parameter in form: ?name=[in|startswith]:[name1,name2|prefix]. Got: "in_abc"');
    const assoc = await call(app, '/traits?associated=xyz', { version: '1.6' });
    expect(assoc.json.errors[0].detail).toContain('The query parameter "associated" only accepts "true" or "false"');
    const extra = await call(app, '/traits?invalid=abc', { version: '1.6' });
    expect(extra.json.errors[0].detail).toContain('Invalid query string parameters: Additional properties are not allowed');
  });

  it('sends cache headers from 1.15 only', async () => {
    const { app } = makeApp();
    expect((await call(app, '/traits', { version: '1.14' })).headers.get('cache-control')).toBeNull();
    const r = await call(app, '/traits', { version: '1.15' });
    expect(r.headers.get('cache-control')).toBe('no-cache');
    expect(r.headers.get('last-modified')).toMatch(/^\w+, \d+ \w+ \d{4} [\d:]+ GMT$/);
  });

  it('answers 405 with Allow for an undeclared method', async () => {
    const { app } = makeApp();
    const r = await call(app, '/traits', { method: 'POST', version: '1.6' });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET');
  });
});

describe('/resource_providers/{uuid}/traits', () => {
  const path = `/resource_providers/${RP}/traits`;

  it('lists, replaces with a generation check, and clears', async () => {
    const { app } = await withProvider();
    await call(app, '/traits/CUSTOM_A', put('CUSTOM_A'));
    const empty = await call(app, path, { version: '1.6' });
    expect(empty.json).toEqual({ traits: [], resource_provider_generation: 0 });
    const set = await call(app, path, { method: 'PUT', version: '1.6',
      body: { traits: ['CUSTOM_A', 'HW_CPU_X86_SSE'], resource_provider_generation: 0 } });
    expect(set.status).toBe(200);
    expect(set.json.resource_provider_generation).toBe(1);
    expect(set.json.traits.sort()).toEqual(['CUSTOM_A', 'HW_CPU_X86_SSE']);
    const stale = await call(app, path, { method: 'PUT', version: '1.23',
      body: { traits: ['CUSTOM_A'], resource_provider_generation: 0 } });
    expect(stale.status).toBe(409);
    expect(stale.json.errors[0].code).toBe('placement.concurrent_update');
    expect(stale.json.errors[0].detail).toContain("Resource provider's generation already changed. " +
      'Please update the generation and try again.');
    const cleared = await call(app, path, { method: 'DELETE', version: '1.6' });
    expect(cleared.status).toBe(204);
    expect((await call(app, path, { version: '1.6' })).json).toEqual({ traits: [], resource_provider_generation: 2 });
  });

  it('leaves the generation alone when the set does not change', async () => {
    const { app } = await withProvider();
    const body = { traits: ['HW_CPU_X86_SSE'], resource_provider_generation: 0 };
    await call(app, path, { method: 'PUT', version: '1.6', body });
    const same = await call(app, path, { method: 'PUT', version: '1.6', body: { ...body, resource_provider_generation: 1 } });
    expect(same.json).toEqual({ traits: ['HW_CPU_X86_SSE'], resource_provider_generation: 1 });
  });

  it('names unknown traits, checks the body, 404s unknown providers', async () => {
    const { app } = await withProvider();
    const unknown = await call(app, path, { method: 'PUT', version: '1.6',
      body: { traits: ['NON_EXISTED_TRAIT1', 'lower-case', 'HW_CPU_X86_SSE'], resource_provider_generation: 0 } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors[0].detail).toContain('No such trait NON_EXISTED_TRAIT1, lower-case');
    const noGen = await call(app, path, { method: 'PUT', version: '1.6', body: { traits: [] } });
    expect(noGen.json.errors[0].detail).toContain("'resource_provider_generation' is a required property");
    const badGen = await call(app, path, { method: 'PUT', version: '1.6',
      body: { traits: [], resource_provider_generation: 'invalid_generation' } });
    expect(badGen.json.errors[0].detail).toContain("'invalid_generation' is not of type 'integer'");
    const badTraits = await call(app, path, { method: 'PUT', version: '1.6',
      body: { traits: 'invalid_type', resource_provider_generation: 0 } });
    expect(badTraits.json.errors[0].detail).toContain("'invalid_type' is not of type 'array'");
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const r = await call(app, '/resource_providers/non_existed/traits', { method, version: '1.6',
        body: method === 'PUT' ? { traits: [], resource_provider_generation: 0 } : undefined });
      expect(r.status).toBe(404);
      expect(r.json.errors[0].detail).toContain('No resource provider with uuid non_existed found');
    }
  });
});
