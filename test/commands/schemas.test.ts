import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { commandJsonSchema } from '../../src/commands/json-schema.ts';
import { parseCommand } from '../../src/commands/schema.ts';

describe('command schemas', () => {
  it('schemas/commands.schema.json is generated from the zod schemas (run npm run schemas)', () => {
    const file = JSON.parse(readFileSync(new URL('../../schemas/commands.schema.json', import.meta.url), 'utf8'));
    expect(file).toEqual(JSON.parse(JSON.stringify(commandJsonSchema())));
  });

  it('refuses a malformed command with a reason', () => {
    const r = parseCommand({ type: 'CreateResourceProvider', uuid: 'nope', name: 'x', parentUuid: null });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.detail).toMatch(/uuid/);
    expect(parseCommand({ type: 'Bogus' }).ok).toBe(false);
  });
});
