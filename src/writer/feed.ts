/**
 * @module writer/feed
 * The live change feed: after a batch is durable, each event is published
 * (core NATS, not stored again) on the subjects of what it touched, so a
 * client can follow exactly the providers or consumers it cares about:
 *   placement.evt.rp.<uuid>  placement.evt.consumer.<uuid>
 *   placement.evt.rc.<name>  placement.evt.trait.<name>  placement.evt.writer
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { CommandRecord, PlacementEvent } from '../domain/events.ts';

export const FEED_PREFIX = 'placement.evt';

export function subjectsOf(e: PlacementEvent): string[] {
  switch (e.type) {
    case 'WriterStarted': return [`${FEED_PREFIX}.writer`];
    case 'ResourceClassCreated': case 'ResourceClassDeleted': return [`${FEED_PREFIX}.rc.${e.name}`];
    case 'ResourceClassRenamed': return [`${FEED_PREFIX}.rc.${e.name}`, `${FEED_PREFIX}.rc.${e.newName}`];
    case 'TraitCreated': case 'TraitDeleted': return [`${FEED_PREFIX}.trait.${e.name}`];
    case 'AllocationsReplaced': {
      const rps = new Set<string>(Object.keys(e.providerGenerations));
      for (const c of e.consumers) for (const rp of Object.keys(c.allocations)) rps.add(rp);
      return [...e.consumers.map((c) => `${FEED_PREFIX}.consumer.${c.uuid}`), ...[...rps].map((rp) => `${FEED_PREFIX}.rp.${rp}`)];
    }
    default: return [`${FEED_PREFIX}.rp.${e.uuid}`];
  }
}

const encoder = new TextEncoder();

export function publishFeed(nc: NatsConnection, records: readonly CommandRecord[], seq: number): void {
  for (const r of records) {
    for (const event of r.events) {
      const data = encoder.encode(JSON.stringify({ seq, commandId: r.commandId, requestId: r.requestId, at: r.at, event }));
      for (const subject of subjectsOf(event)) nc.publish(subject, data);
    }
  }
}
