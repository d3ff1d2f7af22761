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

  it('meets the limits the HTTP API sets: custom names only, amounts of 1 or more, each consumer once', () => {
    const rp = '11111111-1111-4111-8111-111111111111';
    const c = (consumerUuid: string, amount: number) => ({ consumerUuid, projectId: 'p', userId: 'u', allocations: { [rp]: { VCPU: amount } } });
    const other = '22222222-2222-4222-8222-222222222222';
    const refused = [
      { type: 'CreateTrait', name: 'FOO' },
      { type: 'CreateResourceClass', name: 'BAR', ifAbsent: false },
      { type: 'RenameResourceClass', name: 'CUSTOM_A', newName: 'VGPUX' },
      { type: 'ReplaceAllocations', via: 'put', consumers: [c(other, 0)] },
      { type: 'ReplaceAllocations', via: 'post', consumers: [c(other, 1), c(other, 2)] },
      { type: 'Reshape', inventories: { [rp]: { generation: 1, inventories: {} } }, allocations: [c(other, 1), c(other, 1)] },
    ];
    for (const cmd of refused) expect(parseCommand(cmd).ok, JSON.stringify(cmd)).toBe(false);
    expect(parseCommand({ type: 'CreateTrait', name: 'CUSTOM_FOO' }).ok).toBe(true);
    expect(parseCommand({ type: 'CreateResourceClass', name: 'CUSTOM_BAR', ifAbsent: false }).ok).toBe(true);
    expect(parseCommand({ type: 'ReplaceAllocations', via: 'post', consumers: [c(other, 1), c(rp, 2)] }).ok).toBe(true);
  });

  it('takes any integer as a generation or amount, past 2**53 too (the core refuses it, 409)', () => {
    const rp = '11111111-1111-4111-8111-111111111111';
    const cmd = (generation: number, amount: number) => ({
      type: 'ReplaceAllocations', consumers: [{ consumerUuid: rp, projectId: 'p', userId: 'u',
        consumerGeneration: generation, allocations: { [rp]: { VCPU: amount } } }], via: 'put',
    });
    for (const n of [2 ** 53, 2 ** 63, 1e30]) {
      expect(parseCommand({ type: 'SetProviderTraits', uuid: rp, generation: n, traits: [] }).ok).toBe(true);
      expect(parseCommand(cmd(n, n)).ok).toBe(true);
    }
    expect(parseCommand(cmd(1.5, 1)).ok).toBe(false);
    expect(parseCommand(cmd(1, 1.5)).ok).toBe(false);
  });
});
