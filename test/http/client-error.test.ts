import { describe, expect, it } from 'vitest';
import { clientErrorResponse } from '../../src/http/client-error.ts';

const parserError = (code: string, raw: string) =>
  Object.assign(new Error('parse error'), { code, rawPacket: Buffer.from(raw, 'latin1') });

describe('clientErrorResponse', () => {
  it('answers a non-integer content-length as Placement does', async () => {
    const raw = await clientErrorResponse(parserError('HPE_INVALID_CONTENT_LENGTH',
      'POST /resource_providers HTTP/1.1\r\nHost: x\r\nopenstack-api-version: placement 1.23\r\n' +
      'content-length: hi mom\r\n\r\n{}'));
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(raw).toContain('openstack-api-version: placement 1.23');
    expect(raw).toMatch(/x-openstack-request-id: req-[0-9a-f-]{36}/);
    const body = JSON.parse(raw!.split('\r\n\r\n')[1]!);
    expect(body.errors[0]).toMatchObject({ status: 400, code: 'placement.undefined_code' });
    expect(body.errors[0].detail).toContain('content-length header must be an integer');
  });

  it('leaves other parser errors to the default answer', async () => {
    expect(await clientErrorResponse(parserError('HPE_INVALID_METHOD', 'BLAH / HTTP/1.1\r\n\r\n'))).toBeNull();
  });
});
