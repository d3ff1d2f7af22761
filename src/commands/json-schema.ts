/**
 * @module commands/json-schema
 * The command schemas as JSON Schema, for publishers in other languages.
 */
import { z } from 'zod';
import { commandSchema } from './schema.ts';

export function commandJsonSchema(): object {
  return {
    $id: 'https://placement-ts/schemas/commands.schema.json',
    title: 'placement-ts command',
    description: 'Body of a command published on placement.cmd.<type> (see README, "Commands on NATS").',
    ...z.toJSONSchema(commandSchema),
  };
}
