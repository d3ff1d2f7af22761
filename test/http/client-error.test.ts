/**
 * What Node's HTTP parser refuses, and requests that stall, over a real
 * server (createPlacementServer): Placement's answers, never a bare 400 or
 * a socket held open.
 */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientErrorResponse, escapeTarget, parseRawRequest } from '../../src/http/client-error.ts';
import { createPlacementServer, keepBackslashes } from '../../src/http/node-server.ts';
import { call, makeApp } from './harness.ts';

const parserError = (code: string, raw: string) =>
  Object.assign(new Error('parse error'), { code, reason: 'Invalid header token', rawPacket: Buffer.from(raw, 'latin1') });

const RP = 'e0e0e0e0-0000-4000-8000-00000000000a';
const H = 'Host: 127.0.0.1\r\nx-auth-token: admin\r\nopenstack-api-version: placement 1.39\r\n' +
  'accept: application/json\r\nconnection: close\r\n';

describe('clientErrorResponse', () => {
  it('answers a non-integer or repeated content-length as Placement does', async () => {
    for (const [code, length] of [['HPE_INVALID_CONTENT_LENGTH', 'content-length: hi mom'],
      ['HPE_UNEXPECTED_CONTENT_LENGTH', 'content-length: 2\r\ncontent-length: 3']]) {
      const res = (await clientErrorResponse(parserError(code!,
        `POST /resource_providers HTTP/1.1\r\nHost: x\r\nopenstack-api-version: placement 1.23\r\n${length}\r\n\r\n{}`)))!;
      expect(res.status).toBe(400);
      expect(res.headers.get('openstack-api-version')).toBe('placement 1.23');
      expect(res.headers.get('x-openstack-request-id')).toMatch(/^req-[0-9a-f-]{36}$/);
      const body = await res.json();
      expect(body.errors[0]).toMatchObject({ status: 400, code: 'placement.undefined_code' });
      expect(body.errors[0].detail).toContain('content-length header must be an integer');
    }
  });

  it("gives other parser errors a Placement body with llhttp's reason", async () => {
    const res = (await clientErrorResponse(parserError('HPE_INVALID_HEADER_TOKEN', 'GET / HTTP/1.1\r\nbad header: x\r\n\r\n')))!;
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].detail).toContain('Invalid header token');
  });

  it('reads the raw request and escapes what a URL cannot hold', () => {
    const raw = parseRawRequest(Buffer.from('put /a\xe9 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}', 'latin1'))!;
    expect(raw.method).toBe('put');
    expect(escapeTarget(raw.target)).toBe('/a%E9');
    expect(raw.body?.toString()).toBe('{}');
    expect(parseRawRequest(Buffer.from('POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\n{}'))!.body).toBeNull();
    expect(keepBackslashes('/traits/A\\B?x=\\')).toBe('/traits/A%5CB?x=\\');
  });
});

/** One raw exchange: what came back before the server closed (or `timeoutMs` passed). */
function exchange(port: number, raw: string | Buffer, timeoutMs = 3000) {
  return new Promise<{ text: string; status: number; ms: number; closed: boolean }>((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    const done = (closed: boolean) => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ text, status: Number(text.split(' ')[1]), ms: Date.now() - started, closed });
      socket.destroy();
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('close', () => done(true));
    socket.on('error', () => {});
  });
}
const detailOf = (text: string) => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).errors[0].detail as string;

describe('over a real server', () => {
  const { app, ledger } = makeApp();
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    expect((await call(app, '/resource_providers', { method: 'POST', version: '1.39', body: { name: 'a', uuid: RP } }))
      .status).toBe(200);
    server = createPlacementServer(app.fetch, { headersTimeoutMs: 1500, requestTimeoutMs: 6000, checkIntervalMs: 200 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a lower-case or unknown method: 405 with Allow on a known path, as upstream routes it', async () => {
    for (const method of ['get', 'Get', 'delete', 'FOO']) {
      const res = await exchange(port, `${method} /resource_providers/${RP} HTTP/1.1\r\n${H}\r\n`);
      expect(res.status, method).toBe(405);
      expect(res.text).toMatch(/\r\nallow: GET, DELETE, PUT\r\n/);
      expect(detailOf(res.text)).toContain(`The method ${method} is not allowed for this resource.`);
    }
    expect((await exchange(port, `get /nowhere HTTP/1.1\r\n${H}\r\n`)).status).toBe(404);
    expect((await exchange(port, `get /resource_providers HTTP/1.1\r\nHost: x\r\n\r\n`)).status).toBe(401);
    expect(ledger.providers.has(RP)).toBe(true);
  });

  it('raw non-ASCII in a path or query: routed as upstream (404, 400 for a bad name, UTF-8 query read)', async () => {
    const bytes = (s: string) => Buffer.from(s, 'latin1');
    const rp = await exchange(port, Buffer.concat([bytes('GET /resource_providers/'), Buffer.from('é'), bytes(` HTTP/1.1\r\n${H}\r\n`)]));
    expect(rp.status).toBe(404);
    // Upstream reads path bytes as Latin-1: UTF-8 é comes back as 'Ã©'.
    expect(detailOf(rp.text)).toContain('No resource provider with uuid \u00c3\u00a9 found');
    const trait = await exchange(port, bytes(`PUT /traits/CUSTOM_\xe9 HTTP/1.1\r\n${H}content-length: 0\r\n\r\n`));
    expect(trait.status).toBe(400);
    const query = await exchange(port, Buffer.concat([bytes('GET /resource_providers?name='), Buffer.from('é'), bytes(` HTTP/1.1\r\n${H}\r\n`)]));
    expect(query.status).toBe(200);
    const latin1 = await exchange(port, bytes(`GET /resource_providers?name=\xe9 HTTP/1.1\r\n${H}\r\n`));
    expect(latin1.status).toBe(400);
    expect(detailOf(latin1.text)).toContain("Invalid query string parameters: 'utf-8' codec can't decode byte 0xe9");
  });

  it('a backslash is an ordinary path character: 404, or 400 for a trait name', async () => {
    expect((await exchange(port, `GET /resource_providers\\${RP} HTTP/1.1\r\n${H}\r\n`)).status).toBe(404);
    const trait = await exchange(port, `PUT /traits/CUSTOM_A\\B HTTP/1.1\r\n${H}content-length: 0\r\n\r\n`);
    expect(trait.status).toBe(400);
    expect(detailOf(trait.text)).toContain('The trait is invalid.');
  });

  it('%2F separates segments, as in the PATH_INFO upstream routes on', async () => {
    const inv = await exchange(port, `GET /resource_providers/${RP}%2Finventories HTTP/1.1\r\n${H}\r\n`);
    expect(inv.status).toBe(200);
    for (const [method, path] of [['PUT', '/traits/CUSTOM%2FX'], ['PUT', '/resource_classes/CUSTOM_A%2F'],
      ['GET', '/allocations/abc%2Fdef'], ['DELETE', '/resource_providers/abc%2Fdef']]) {
      const res = await exchange(port, `${method} ${path} HTTP/1.1\r\n${H}content-length: 0\r\n\r\n`);
      expect(res.status, path).toBe(404);
    }
    // A literal % is decoded once only.
    const pct = await exchange(port, `PUT /traits/CUSTOM_%2541 HTTP/1.1\r\n${H}content-length: 0\r\n\r\n`);
    expect(pct.status).toBe(400);
  });

  it('a body shorter than its Content-Length: 408 in Placement format and the socket closed, nothing written', async () => {
    const before = ledger.lastSeq;
    const res = await exchange(port, `POST /resource_providers HTTP/1.1\r\n${H}content-type: application/json\r\n` +
      'content-length: 100\r\n\r\n{"name":"short"}', 8000);
    expect(res.status).toBe(408);
    expect(res.closed).toBe(true);
    expect(res.ms).toBeLessThan(7000);
    expect(detailOf(res.text)).toContain('The request body ended after 16 of 100 bytes.');
    expect(ledger.lastSeq).toBe(before);
  }, 10_000);

  it('headers that never end: 408 within the headers timeout', async () => {
    const res = await exchange(port, 'GET /resource_providers HTTP/1.1\r\nHost: x\r\n', 5000);
    expect(res.status).toBe(408);
    expect(res.closed).toBe(true);
    expect(detailOf(res.text)).toContain('The request was not received in time.');
  }, 10_000);
});
