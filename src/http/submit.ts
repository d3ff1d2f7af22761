/**
 * @module http/submit
 * Hands a command to the writer with the request id and a fresh command
 * id; a rejection becomes the error response outcomeOf says.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { Command } from '../domain/commands.ts';
import type { PlacementEvent } from '../domain/events.ts';
import { outcomeOf } from '../errors/outcomes.ts';
import type { AppEnv } from './env.ts';
import { HttpError } from './error-format.ts';

export async function submit(c: Context<AppEnv>, command: Command): Promise<readonly PlacementEvent[]> {
  const result = await c.get('deps').writer.submit(command, {
    requestId: c.get('requestId'), commandId: randomUUID(),
  });
  if (!result.ok) {
    const { status, code, detail } = outcomeOf(result.rejection);
    throw new HttpError({ status, code, detail });
  }
  return result.events;
}
