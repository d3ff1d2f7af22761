/**
 * @module test/http/harness
 * An app over a fresh ledger and the in-process LocalWriter, and a request
 * helper with Placement's usual headers (admin token, JSON).
 */
import { createApp } from '../../src/http/app.ts';
import { loadStandards } from '../../src/data/standards.ts';
import { createLedger } from '../../src/domain/state.ts';
import { LocalWriter } from '../../src/writer/local-writer.ts';
import { parseCommand } from '../../src/commands/schema.ts';
import type { CommandResult, SubmitMeta, Writer } from '../../src/commands/writer-port.ts';
import type { Command } from '../../src/domain/commands.ts';

/**
 * The LocalWriter behind the command schema the NATS writer checks every
 * command against: a command the HTTP front builds but the schema refuses
 * would be a 400 "Invalid command" in service, so here it fails the test.
 */
class SchemaCheckedWriter implements Writer {
  constructor(private readonly inner: Writer) {}

  submit(command: Command, meta: SubmitMeta): Promise<CommandResult> {
    const parsed = parseCommand(command);
    if (!parsed.ok) throw new Error(`the command schema refuses what the HTTP front built: ${parsed.detail}`);
    return this.inner.submit(command, meta);
  }
}

export function makeApp(profile = 'default') {
  const ledger = createLedger(loadStandards());
  const writer = new LocalWriter(ledger);
  const app = createApp({ ledger: () => ledger, writer: new SchemaCheckedWriter(writer), profile });
  return { app, ledger, writer };
}

export interface Call {
  readonly method?: string;
  readonly version?: string;
  readonly token?: string | null;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON with content-type application/json. */
  readonly body?: unknown;
}

export type App = ReturnType<typeof makeApp>['app'];

export async function call(app: App, path: string, opts: Call = {}) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.token !== null) headers['x-auth-token'] = opts.token ?? 'admin';
  if (opts.version) headers['openstack-api-version'] = `placement ${opts.version}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  Object.assign(headers, opts.headers);
  for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
  const res = await app.request(path, { method: opts.method ?? 'GET', headers, body });
  const text = await res.text();
  let json: any;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}
