/**
 * @module main
 * `npm start`: the Placement service on HOST:PORT. Exits non-zero if it
 * cannot start, and stops its children on SIGTERM / SIGINT.
 */
import type { AddressInfo } from 'node:net';
import { configFromEnv } from './config.ts';
import { startService, type Service } from './service.ts';
import { createApp } from './http/app.ts';
import { createPlacementServer } from './http/node-server.ts';

const config = configFromEnv();
const quiet = config.logLevel === 'warn' || config.logLevel === 'error';
const log = (m: string) => { if (!quiet) console.error(`${new Date().toISOString()} ${m}`); };

// The port is taken first, so a start that cannot serve (port in use) stops before it touches
// the log; until the ledger is rebuilt (at start, and after a failed append) every request is
// answered 503.
let service: Service | undefined;
let stopping = false;
const app = createApp({
  starting: () => !service ? 'placement-ts is starting (rebuilding its ledger from the log); try again shortly.'
    : service.writer.rebuilding ? 'placement-ts is rebuilding its ledger from the log after a failed append; try again shortly.'
    : null,
  ledger: () => service!.writer.ledger(),
  writer: { submit: (command, meta) => service!.client.submit(command, meta) },
  profile: config.profile,
});
// Timeouts, and Placement's answers to requests Node's parser refuses: src/http/node-server.ts.
const server = createPlacementServer(app.fetch);
server.on('error', (err) => {
  console.error(`placement-ts: HTTP server: ${err.message}`);
  void shutdown(1);
});
await new Promise<void>((listening) => server.listen(config.port, config.host, listening));

service = await startService(config, log).catch((err) => {
  // The message says what to do; the stack only with LOG_LEVEL=debug.
  const detail = err instanceof Error ? (config.logLevel === 'debug' ? err.stack : err.message) : String(err);
  console.error(`placement-ts: cannot start: ${detail}`);
  process.exit(1);
});
const { port } = server.address() as AddressInfo;
log(`placement-ts: listening on http://${config.host}:${port} (nats ${service.natsUrl})`);
// The embedded server is part of this service: if it dies, so do we (a restart recovers everything).
void service.natsLost?.then((why) => {
  console.error(`placement-ts: ${why}. Exiting.`);
  void shutdown(1);
});
service.writer.whenFenced((e) => {
  console.error(`placement-ts: ${e.message}; another writer owns the log. Exiting.`);
  void shutdown(3);
});

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Whatever happens, exit within 10 s.
  setTimeout(() => process.exit(code), 10_000).unref();
  server.close();
  await service?.stop().catch(() => {});
  log(`placement-ts: stopped${code === 0 ? '' : ` (exit ${code})`}`);
  process.exit(code);
}
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
