/**
 * Error sentences exactly as webob 1.8 renders them (checked against
 * webob.exc with python3-webob): explanations collapsed to one line, and
 * the 406/415 templates quoting the raw Accept / Content-Type.
 */
import { describe, expect, it } from 'vitest';
import { HttpError, renderError, renderUnauthorized } from '../../src/http/error-format.ts';
import { call, makeApp } from './harness.ts';

const plain = async (status: number, detail: string, extra: Record<string, string | null> = {}) =>
  (await renderError(new HttpError({ status, detail }),
    { accept: 'text/plain', method: 'GET', ...extra }).text());

describe('webob texts', () => {
  it('collapses explanations (no "incorrect. \\n\\n")', async () => {
    expect(await plain(400, 'boom')).toBe('400 Bad Request\n\nThe server could not comply with the request ' +
      'since it is either malformed or otherwise incorrect.\n\n boom  ');
    expect(await plain(413, 'd')).toBe('413 Request Entity Too Large\n\n' +
      'The body of your request was too large for this server.\n\n d  ');
  });

  it('406 and 415 use their own templates', async () => {
    expect(await plain(406, 'd', { acceptHeader: 'foo/bar', contentType: 'text/plain; charset=x' }))
      .toBe('406 Not Acceptable\n\nThe resource could not be generated that was acceptable to your browser ' +
        '(content of type foo/bar. \n\n d');
    expect(await plain(415, 'd', { acceptHeader: 'foo/bar', contentType: 'text/plain; charset=x' }))
      .toBe('415 Unsupported Media Type\n\nThe request media type text/plain; charset=x is not supported ' +
        'by this server. \n\n d');
    // string.Template.safe_substitute leaves an absent environ key as written.
    expect(await plain(406, 'd')).toContain('(content of type ${HTTP_ACCEPT}. \n\n d');
    expect(await plain(415, 'd')).toContain('The request media type ${CONTENT_TYPE} is not supported');
  });

  it('401 JSON message has no \\r\\n or double space', async () => {
    const res = renderUnauthorized({ accept: 'application/json', method: 'GET' });
    expect(JSON.parse(await res.text()).message).toBe('This server could not verify that you are authorized to ' +
      'access the document you requested. Either you supplied the wrong credentials (e.g., bad password), ' +
      'or your browser does not understand how to supply the credentials required.<br /><br />\n\n\n');
  });

  it('over HTTP: 415 and 406 details', async () => {
    const { app } = makeApp();
    const r415 = await call(app, '/resource_providers', { method: 'POST', version: '1.39',
      headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(r415.status).toBe(415);
    expect(r415.json.errors[0].detail).toBe('The request media type text/plain is not supported by this server. ' +
      '\n\n The media type text/plain is not supported, use application/json');
    const r406 = await call(app, '/resource_providers', { version: '1.40', headers: { accept: '*/*' } });
    expect(r406.status).toBe(406);
    // Upstream's request log turns a missing or */* Accept into application/json first.
    expect(r406.json.errors[0].detail).toMatch(
      /^The resource could not be generated that was acceptable to your browser \(content of type application\/json\. \n\n /);
  });
});
