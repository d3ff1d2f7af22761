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
/** The only classes and traits a command creates or renames to are custom ones, as over HTTP. */
const className = z.string().regex(/^CUSTOM_[A-Z0-9_]+$/).max(255);
const traitName = z.string().regex(/^CUSTOM_[A-Z0-9_]+$/).max(255);
/** Provider names: the core refuses an empty one on create (upstream's "name is required"), not on rename. */
const name = z.string().max(200);
/**
 * Names of things that must already exist (providers, classes, traits,
 * consumers): any string, so that a malformed or overlong one is refused
 * by the core as not found (404) or in conflict, as Placement does. The
 * bound is only the largest request body the HTTP front takes.
 */
const ref = z.string().min(1).max(1024 * 1024);
/** Consumer uuids: a strict uuid, or what upstream's loose UUID_PATTERN lets a POST /allocations key be. */
const consumerUuid = z.union([uuid, z.string().regex(/^[0-9a-fA-F-]{36}$/)]);
/**
 * Any integer, however large: a generation that cannot match is a conflict
 * (409), not a bad request. (zod's .int() stops at 2**53 - 1.)
 */
const anyInteger = () => z.number().refine(Number.isInteger).meta({ type: 'integer' });
const generation = anyInteger();
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
  z.strictObject({ kind: z.literal('replace'), inventories: z.record(ref, inventory) }),
  z.strictObject({ kind: z.literal('add'), resourceClass: ref, inventory }),
  z.strictObject({ kind: z.literal('update'), resourceClass: ref, inventory }),
  z.strictObject({ kind: z.literal('delete'), resourceClass: ref }),
  z.strictObject({ kind: z.literal('delete-all') }),
]);

const consumerAllocations = z.strictObject({
  consumerUuid,
  projectId: externalId,
  userId: externalId,
  consumerGeneration: generation.nullable().optional(),
  consumerType: z.string().regex(/^[A-Z0-9_]+$/).max(255).optional(),
  // Amounts past max_unit are refused by the core as a constraint violation (409), as Placement does.
  allocations: z.record(ref, z.record(ref, anyInteger().min(1))),
});
/** Each consumer once: over HTTP a body keyed by consumer cannot name one twice. */
const consumerList = (min: number) => z.array(consumerAllocations).min(min)
  .refine((cs) => new Set(cs.map((c) => c.consumerUuid)).size === cs.length, 'each consumer at most once');

export const commandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('CreateResourceProvider'), uuid, name, parentUuid: uuid.nullable() }),
  z.strictObject({
    type: z.literal('UpdateResourceProvider'), uuid: ref, name, parentUuid: uuid.nullable().optional(),
    allowReparent: z.boolean(),
  }),
  z.strictObject({ type: z.literal('DeleteResourceProvider'), uuid: ref }),
  z.strictObject({
    type: z.literal('ChangeInventories'), uuid: ref, generation: generation.nullable(), change: inventoryChange,
    reservedMayEqualTotal: z.boolean(),
  }),
  z.strictObject({ type: z.literal('CreateResourceClass'), name: className, ifAbsent: z.boolean() }),
  z.strictObject({ type: z.literal('RenameResourceClass'), name: ref, newName: className }),
  z.strictObject({ type: z.literal('DeleteResourceClass'), name: ref }),
  z.strictObject({ type: z.literal('CreateTrait'), name: traitName }),
  z.strictObject({ type: z.literal('DeleteTrait'), name: ref }),
  z.strictObject({
    type: z.literal('SetProviderTraits'), uuid: ref, generation: generation.nullable(), traits: z.array(ref),
  }),
  z.strictObject({
    type: z.literal('SetProviderAggregates'), uuid: ref, generation: generation.nullable(), aggregates: z.array(ref),
    bumpGeneration: z.boolean(),
  }),
  z.strictObject({
    type: z.literal('ReplaceAllocations'), consumers: consumerList(1),
    via: z.enum(['put', 'post']),
  }),
  z.strictObject({ type: z.literal('DeleteAllocations'), consumerUuid: ref }),
  z.strictObject({
    type: z.literal('Reshape'),
    inventories: z.record(ref, z.strictObject({ generation, inventories: z.record(ref, inventory) }))
      .refine((r) => Object.keys(r).length > 0, 'at least one provider'),
    allocations: consumerList(0),
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
