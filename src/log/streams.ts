/**
 * @module log/streams
 * Creates or updates the streams and consumers declared in streams/*.json,
 * then checks the server kept every field we asked for: an older server
 * silently drops fields it does not know.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { JetStreamManager, StreamConfig, ConsumerConfig } from '@nats-io/jetstream';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

const dir = new URL('../../streams/', import.meta.url);

export const LOG_STREAM = 'PLACEMENT_LOG';
export const LOG_SUBJECT = 'placement.log';
export const CMD_STREAM = 'PLACEMENT_CMD';
export const CMD_SUBJECT_PREFIX = 'placement.cmd';
export const WRITER_CONSUMER = 'writer';

const read = (name: string): unknown => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));

export function streamDefinitions(): StreamConfig[] {
  return readdirSync(dir).filter((f) => /^[A-Z_]+\.json$/.test(f)).map((f) => read(f) as StreamConfig);
}

export function consumerDefinitions(): Array<{ stream: string; config: ConsumerConfig }> {
  return readdirSync(dir).filter((f) => f.endsWith('.consumer.json'))
    .map((f) => read(f) as { stream: string; config: ConsumerConfig });
}

export async function ensureStreams(jsm: JetStreamManager): Promise<void> {
  for (const cfg of streamDefinitions()) {
    let got: StreamConfig;
    try {
      got = (await jsm.streams.info(cfg.name)).config;
      got = (await jsm.streams.update(cfg.name, cfg)).config;
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
      got = (await jsm.streams.add(cfg)).config;
    }
    echoCheck(`stream ${cfg.name}`, cfg, got);
  }
  for (const { stream, config } of consumerDefinitions()) {
    const info = await jsm.consumers.add(stream, config);
    echoCheck(`consumer ${stream}/${config.durable_name}`, config, info.config);
  }
}

function echoCheck(what: string, want: object, got: object): void {
  for (const [k, v] of Object.entries(want)) {
    const g = (got as Record<string, unknown>)[k];
    if (JSON.stringify(g) !== JSON.stringify(v)) {
      throw new Error(`${what}: server has ${k}=${JSON.stringify(g)}, wanted ${JSON.stringify(v)}`);
    }
  }
}
