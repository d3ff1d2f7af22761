/**
 * @module commands/schema
 * zod schemas of every command as it travels on NATS. The writer checks
 * each command against these, whoever sent it, so a publisher that is not
 * the HTTP front meets the same limits.
 */
import { z } from 'zod';
import type { Command } from '../domain/commands.ts';

const MAX_INT = 2147483647;
const uuid = z.string().regex(/^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/);
const className = z.string().regex(/^[A-Z0-9_]+$/).max(255);
const traitName = z.string().regex(/^[A-Z0-9_]+$/).max(255);
const name = z.string().min(1).max(200);
const generation = z.number().int().min(0);
const externalId = z.string().min(1).max(255);

const inventory = z.strictObject({
  total: z.number().int().min(1).max(MAX_INT),
  reserved: z.number().int().min(0).max(MAX_INT),
  min_unit: z.number().int().min(1).max(MAX_INT),
  max_unit: z.number().int().min(1).max(MAX_INT),
  step_size: z.number().int().min(1).max(MAX_INT),
  allocation_ratio: z.number().min(0).max(3.40282e38),
});

const inventoryChange = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('replace'), inventories: z.record(className, inventory) }),
  z.strictObject({ kind: z.literal('add'), resourceClass: className, inventory }),
  z.strictObject({ kind: z.literal('update'), resourceClass: className, inventory }),
  z.strictObject({ kind: z.literal('delete'), resourceClass: className }),
  z.strictObject({ kind: z.literal('delete-all') }),
]);

const consumerAllocations = z.strictObject({
  consumerUuid: uuid,
  projectId: externalId,
  userId: externalId,
  consumerGeneration: generation.nullable().optional(),
  consumerType: z.string().regex(/^[A-Z0-9_]+$/).max(255).optional(),
  allocations: z.record(uuid, z.record(className, z.number().int().min(0).max(MAX_INT))),
});

export const commandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('CreateResourceProvider'), uuid, name, parentUuid: uuid.nullable() }),
  z.strictObject({
    type: z.literal('UpdateResourceProvider'), uuid, name, parentUuid: uuid.nullable().optional(),
    allowReparent: z.boolean(),
  }),
  z.strictObject({ type: z.literal('DeleteResourceProvider'), uuid }),
  z.strictObject({
    type: z.literal('ChangeInventories'), uuid, generation: generation.nullable(), change: inventoryChange,
    reservedMayEqualTotal: z.boolean(),
  }),
  z.strictObject({ type: z.literal('CreateResourceClass'), name: className, ifAbsent: z.boolean() }),
  z.strictObject({ type: z.literal('RenameResourceClass'), name: className, newName: className }),
  z.strictObject({ type: z.literal('DeleteResourceClass'), name: className }),
  z.strictObject({ type: z.literal('CreateTrait'), name: traitName }),
  z.strictObject({ type: z.literal('DeleteTrait'), name: traitName }),
  z.strictObject({
    type: z.literal('SetProviderTraits'), uuid, generation: generation.nullable(), traits: z.array(traitName),
  }),
  z.strictObject({
    type: z.literal('SetProviderAggregates'), uuid, generation: generation.nullable(), aggregates: z.array(uuid),
    bumpGeneration: z.boolean(),
  }),
  z.strictObject({
    type: z.literal('ReplaceAllocations'), consumers: z.array(consumerAllocations).min(1),
    via: z.enum(['put', 'post']),
  }),
  z.strictObject({ type: z.literal('DeleteAllocations'), consumerUuid: uuid }),
  z.strictObject({
    type: z.literal('Reshape'),
    inventories: z.record(uuid, z.strictObject({ generation, inventories: z.record(className, inventory) }))
      .refine((r) => Object.keys(r).length > 0, 'at least one provider'),
    allocations: z.array(consumerAllocations),
  }),
]);

// The schema and the domain type must describe the same thing.
type Parsed = z.infer<typeof commandSchema>;
const _sameShape: (c: Parsed) => Command = (c) => c;
void _sameShape;

export function parseCommand(data: unknown): { ok: true; command: Command } | { ok: false; detail: string } {
  const r = commandSchema.safeParse(data);
  if (r.success) return { ok: true, command: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, detail: `Invalid command: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
}
