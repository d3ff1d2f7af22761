/**
 * Writes schemas/commands.schema.json (JSON Schema of every NATS command)
 * from the zod schemas the writer validates with. `npm run schemas`;
 * test/commands/schemas.test.ts fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { commandJsonSchema } from '../src/commands/json-schema.ts';

const out = new URL('../schemas/commands.schema.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(commandJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out.pathname}`);
