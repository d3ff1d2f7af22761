/**
 * @module nats/reconnects
 * Runs a callback after each reconnect of a NATS connection, one at a time
 * (a reconnect that comes while the callback runs waits for it), until
 * stopped or the connection closes.
 */
import type { NatsConnection } from '@nats-io/transport-node';

export interface Watch {
  stop(): void;
}

export function onReconnect(nc: NatsConnection, callback: () => void | Promise<void>): Watch {
  const statuses = nc.status() as AsyncIterable<{ type?: string }> & { stop?: () => void };
  void (async () => {
    for await (const s of statuses) if (s.type === 'reconnect') await callback();
  })().catch(() => {});
  return { stop: () => statuses.stop?.() };
}
