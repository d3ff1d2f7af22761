/**
 * @module http/request-header
 * A request header as `Headers.get` gives it (repeats joined with ", "),
 * read off Node's raw header list when @hono/node-server serves the
 * request: asking the Web Request builds a Headers object of every header
 * first, a cost each request paid for the handful it reads.
 */
import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import type { AppEnv } from './env.ts';

/** `name` in lower case. */
export function requestHeader(c: Context<AppEnv>, name: string): string | undefined {
  const raw = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.rawHeaders;
  if (!raw) return c.req.header(name);
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length === name.length && key.toLowerCase() === name) {
      value = value === undefined ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
    }
  }
  return value;
}
