/**
 * @module http/error-format
 * The one place error responses are built. Bodies are what webob and
 * Placement's json_error_formatter produce: the status's generic sentence,
 * then the detail (tags stripped), as JSON `{"errors": [...]}` (with
 * `code` from 1.23), HTML or plain text as the Accept header picks.
 */
import { respond as respondWith } from './responses.ts';
import type { Context } from 'hono';
import { Code } from '../errors/codes.ts';
import { acceptableOffers } from './accept.ts';
import type { AppEnv } from './env.ts';
import { atLeast, MAX_VERSION, MIN_VERSION, type Version } from './microversion.ts';
import { pyJsonDumps } from './py-format.ts';
import { requestHeader } from './request-header.ts';

export interface HttpErrorSpec {
  readonly status: number;
  /** The specific message; upstream's sentence, exactly. */
  readonly detail?: string;
  /** Shown from 1.23; placement.undefined_code when absent. */
  readonly code?: Code;
  readonly headers?: Readonly<Record<string, string>>;
  /** Upstream raises it past the handler: version header, no `vary`. */
  readonly raised?: boolean;
}

/** Thrown anywhere below the app; onError turns it into a response. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly detail: string;
  readonly code: Code | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly raised: boolean;

  constructor(spec: HttpErrorSpec) {
    super(spec.detail ?? `HTTP ${spec.status}`);
    this.status = spec.status;
    this.detail = spec.detail ?? '';
    this.code = spec.code;
    this.headers = spec.headers ?? {};
    this.raised = spec.raised ?? false;
  }
}

/**
 * Reason phrases (webob titles) and the generic sentences webob puts first.
 * webob collapses each class's explanation at import
 * (`' '.join(explanation.strip().split())`), so no `\r\n` or double space
 * reaches a client: "...incorrect.\n\n detail".
 */
const collapse = (s: string): string => s.trim().split(/\s+/).filter(Boolean).join(' ');
const CLIENT_ERROR = 'The server could not comply with the request since\r\n' +
  'it is either malformed or otherwise incorrect.\r\n';
const RAW_STATUS: Readonly<Record<number, { title: string; explanation: string }>> = {
  400: { title: 'Bad Request', explanation: CLIENT_ERROR },
  401: {
    title: 'Unauthorized',
    explanation: 'This server could not verify that you are authorized to\r\n' +
      'access the document you requested.  Either you supplied the\r\n' +
      'wrong credentials (e.g., bad password), or your browser\r\n' +
      'does not understand how to supply the credentials required.\r\n',
  },
  403: { title: 'Forbidden', explanation: 'Access was denied to this resource.' },
  404: { title: 'Not Found', explanation: 'The resource could not be found.' },
  405: { title: 'Method Not Allowed', explanation: '' },
  406: { title: 'Not Acceptable', explanation: CLIENT_ERROR },
  408: { title: 'Request Timeout', explanation: 'The server has waited too long for the request to be sent by the client.' },
  409: { title: 'Conflict', explanation: 'There was a conflict when trying to complete your request.' },
  413: { title: 'Request Entity Too Large', explanation: 'The body of your request was too large for this server.' },
  415: { title: 'Unsupported Media Type', explanation: CLIENT_ERROR },
  500: {
    title: 'Internal Server Error',
    explanation: 'The server has either erred or is incapable of performing\r\nthe requested operation.\r\n',
  },
  503: {
    title: 'Service Unavailable',
    explanation: 'The server is currently unavailable. Please try again at a later time.',
  },
};
const STATUS: Readonly<Record<number, { title: string; explanation: string }>> = Object.fromEntries(
  Object.entries(RAW_STATUS).map(([k, v]) => [k, { title: v.title, explanation: collapse(v.explanation) }]));

export const titleOf = (status: number): string => STATUS[status]?.title ?? 'Unknown';

/** What the formatter needs to know about the request. */
export interface ErrorRequest {
  readonly accept: string | null;
  readonly method: string;
  /** undefined: the version was never established (bad header, or before parsing). */
  readonly microversion?: Version;
  readonly requestId?: string;
  /** The raw Accept header (webob's HTTP_ACCEPT in the 406 template); null when absent. */
  readonly acceptHeader?: string | null;
  /** The raw Content-Type header (webob's CONTENT_TYPE in the 415 template); null when absent. */
  readonly contentType?: string | null;
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
  .replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');

/** string.Template.safe_substitute of one environ value: an absent key stays as written. */
const environValue = (value: string | null | undefined, name: string): string => value ?? `\${${name}}`;

/**
 * webob's body templates: explanation, two breaks, detail; 406 and 415
 * have their own (webob.exc.HTTPNotAcceptable / HTTPUnsupportedMediaType),
 * quoting the raw Accept / Content-Type header, with no trailing newlines.
 */
function body(status: number, detail: string, req: ErrorRequest, escape: (s: string) => string): string {
  if (status === 405) {
    return `The method ${escape(req.method)} is not allowed for this resource. <br /><br />\n${escape(detail)}`;
  }
  if (status === 406) {
    return 'The resource could not be generated that was acceptable to your browser\n(content of type ' +
      `${escape(environValue(req.acceptHeader, 'HTTP_ACCEPT'))}. <br /><br />\n${escape(detail)}`;
  }
  if (status === 415) {
    return `The request media type ${escape(environValue(req.contentType, 'CONTENT_TYPE'))} is not supported ` +
      `by this server.\n<br /><br />\n${escape(detail)}`;
  }
  return `${escape(STATUS[status]?.explanation ?? '')}<br /><br />\n${escape(detail)}\n\n`;
}

/** webob.exc.strip_tags. */
export function stripTags(s: string): string {
  return s.replace(/\n/g, ' ').replace(/\r/g, '').replace(/<br.*?>/gis, '\n')
    .replace(/<!--|-->/g, '').replace(/<.*?>/gs, '');
}

type Format = 'html' | 'json' | 'plain';

const formatFor = (accept: string | null): Format => {
  const match = acceptableOffers(accept, ['text/html', 'application/json'])[0];
  return match === 'text/html' ? 'html' : match === 'application/json' ? 'json' : 'plain';
};

function respond(status: number, format: Format, text: string, headers: Record<string, string>): Response {
  const contentType = format === 'json' ? 'application/json'
    : format === 'html' ? 'text/html; charset=UTF-8' : 'text/plain; charset=UTF-8';
  return respondWith(text, status, { ...headers, 'content-type': contentType });
}

/** An error in Placement's format (json_error_formatter). */
export function renderError(err: HttpError, req: ErrorRequest): Response {
  const { status } = err;
  const format = formatFor(req.accept);
  const statusLine = `${status} ${titleOf(status)}`;
  if (format === 'html') {
    const inner = body(status, err.detail, req, escapeHtml);
    const html = `<html>\n <head>\n  <title>${statusLine}</title>\n </head>\n <body>\n` +
      `  <h1>${statusLine}</h1>\n  ${inner}\n </body>\n</html>`;
    return respond(status, format, html, { ...err.headers });
  }
  const detail = stripTags(body(status, err.detail, req, (s) => s));
  if (format === 'plain') return respond(status, format, `${statusLine}\n\n${detail}`, { ...err.headers });
  const entry: Record<string, unknown> = { status, title: titleOf(status), detail };
  if (req.microversion && atLeast(req.microversion, '1.23')) entry.code = err.code ?? Code.Undefined;
  if (req.requestId) entry.request_id = req.requestId;
  if (status === 406 && !req.microversion) {
    entry.max_version = MAX_VERSION;
    entry.min_version = MIN_VERSION;
  }
  return respond(status, format, pyJsonDumps({ errors: [entry] }), { ...err.headers });
}

/**
 * A 401 as noauth2 sends it: webob's own JSON formatter (message, code,
 * title), not Placement's.
 */
export function renderUnauthorized(req: ErrorRequest): Response {
  const format = formatFor(req.accept);
  if (format !== 'json') return renderError(new HttpError({ status: 401 }), req);
  const message = body(401, '', req, (s) => s);
  return respond(401, 'json', pyJsonDumps({ message, code: '401 Unauthorized', title: 'Unauthorized' }), {});
}

/** The request facts of a Hono context. */
export function errorRequest(c: Context<AppEnv>): ErrorRequest {
  return {
    accept: c.get('accept') ?? requestHeader(c, 'accept') ?? null,
    method: c.req.method,
    microversion: c.get('microversion'),
    requestId: c.get('requestId'),
    // Upstream's request log sets a missing or */* Accept to application/json before anything else runs.
    acceptHeader: c.get('accept') ?? requestHeader(c, 'accept') ?? null,
    contentType: requestHeader(c, 'content-type') ?? null,
  };
}

/** Formats `err` for this request and notes whether it escaped the handler. */
export function errorResponse(c: Context<AppEnv>, err: HttpError): Response {
  if (err.raised) c.set('raised', true);
  return renderError(err, errorRequest(c));
}
