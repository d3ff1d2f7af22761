/**
 * @module http/inventories
 * /resource_providers/{uuid}/inventories[/{resource_class}]: read from the
 * ledger, written as one ChangeInventories command each. Write responses
 * are built from the InventoriesReplaced event the writer returns.
 */
import { Hono, type Context } from 'hono';
import type { InventoryChange } from '../../domain/commands.ts';
import type { InventoriesReplaced, InventoryData } from '../../domain/events.ts';
import type { ResourceProvider } from '../../domain/model.ts';
import { MAX_INT } from '../../domain/capacity.ts';
import type { AppEnv } from '../env.ts';
import { HttpError } from '../error-format.ts';
import { checkAccept, requireContent } from '../middleware/content.ts';
import { atLeast, since } from '../microversion.ts';
import { authorize } from '../policy.ts';
import { cacheHeaders, empty, json, locationOf } from '../responses.ts';
import type { RouteTable } from '../routes.ts';
import { submit } from '../submit.ts';
import { jsonBody } from '../validate.ts';
import { postInventory, putInventories, putInventory } from './schemas.ts';
import { INVENTORY_DEFAULTS, inventoriesView, inventoryView, ledgerInventories } from './view.ts';

const COLLECTION = '/resource_providers/:uuid/inventories';
const ONE = '/resource_providers/:uuid/inventories/:resource_class';

export function inventoryRoutes(table: RouteTable): Hono<AppEnv> {
  table.declare(COLLECTION, ['GET', 'POST', 'PUT', 'DELETE']);
  table.declare(ONE, ['GET', 'PUT', 'DELETE']);
  return new Hono<AppEnv>()
    .get(COLLECTION, checkAccept(), getInventories)
    .post(COLLECTION, requireContent(), createInventory)
    .put(COLLECTION, requireContent(), setInventories)
    .delete(COLLECTION, since('1.5', { status: 405 }), deleteInventories)
    .get(ONE, checkAccept(), getInventory)
    .put(ONE, requireContent(), updateInventory)
    .delete(ONE, deleteInventory);
}

type C = Context<AppEnv>;

/** The provider, or the 404 upstream raises past its handler. */
function providerOf(c: C, uuid: string): ResourceProvider {
  const rp = c.get('deps').ledger().providers.get(uuid);
  if (!rp) throw new HttpError({ status: 404, detail: `No resource provider with uuid ${uuid} found`, raised: true });
  return rp;
}

/** As providerOf, with the wording the GET handlers use. */
function providerForRead(c: C, uuid: string): ResourceProvider {
  const rp = c.get('deps').ledger().providers.get(uuid);
  if (!rp) {
    throw new HttpError({ status: 404,
      detail: `No resource provider with uuid ${uuid} found : No resource provider with uuid ${uuid} found` });
  }
  return rp;
}

/** A record as a request gives it: only total is required. */
export type InventoryFields = Partial<InventoryData> & { readonly total: number };

export function withDefaults(body: InventoryFields): InventoryData {
  return {
    total: body.total,
    reserved: body.reserved ?? INVENTORY_DEFAULTS.reserved,
    min_unit: body.min_unit ?? INVENTORY_DEFAULTS.min_unit,
    max_unit: body.max_unit ?? MAX_INT,
    step_size: body.step_size ?? INVENTORY_DEFAULTS.step_size,
    allocation_ratio: body.allocation_ratio ?? INVENTORY_DEFAULTS.allocation_ratio,
  };
}

async function change(c: C, uuid: string, generation: number | null, change: InventoryChange):
  Promise<InventoriesReplaced> {
  const events = await submit(c, {
    type: 'ChangeInventories', uuid, generation, change,
    reservedMayEqualTotal: atLeast(c.get('microversion'), '1.26'),
  });
  const replaced = events.find((e): e is InventoriesReplaced => e.type === 'InventoriesReplaced');
  if (!replaced) throw new Error('ChangeInventories accepted without InventoriesReplaced');
  return replaced;
}

function getInventories(c: C): Response {
  authorize(c, 'placement:resource_providers:inventories:list');
  const rp = providerForRead(c, c.req.param('uuid')!);
  return json(inventoriesView(ledgerInventories(rp.inventories), rp.generation), 200,
    cacheHeaders(c, rp.updatedAt));
}

function getInventory(c: C): Response {
  authorize(c, 'placement:resource_providers:inventories:show');
  const uuid = c.req.param('uuid')!;
  const rc = c.req.param('resource_class')!;
  const rp = providerForRead(c, uuid);
  const inv = ledgerInventories(rp.inventories).get(rc);
  if (!inv) throw new HttpError({ status: 404, detail: `No inventory of class ${rc} for ${uuid}` });
  return json(inventoryView(inv, rp.generation), 200, cacheHeaders(c, rp.updatedAt));
}

async function createInventory(c: C): Promise<Response> {
  authorize(c, 'placement:resource_providers:inventories:create');
  const uuid = c.req.param('uuid')!;
  providerOf(c, uuid);
  const { resource_class: rc, resource_provider_generation: _ignored, ...fields } =
    await jsonBody(c, postInventory);
  const inventory = withDefaults(fields);
  const replaced = await change(c, uuid, null, { kind: 'add', resourceClass: rc, inventory });
  return json(inventoryView(replaced.inventories[rc]!, replaced.generation), 201, {
    location: locationOf(c, `/resource_providers/${uuid}/inventories/${rc}`),
    ...cacheHeaders(c),
  });
}

async function setInventories(c: C): Promise<Response> {
  authorize(c, 'placement:resource_providers:inventories:update');
  const uuid = c.req.param('uuid')!;
  providerOf(c, uuid);
  const body = await jsonBody(c, putInventories);
  const inventories = Object.fromEntries(Object.entries(body.inventories).map(([rc, inv]) => [rc, withDefaults(inv)]));
  const replaced = await change(c, uuid, body.resource_provider_generation, { kind: 'replace', inventories });
  return json(inventoriesView(replaced.inventories, replaced.generation), 200, cacheHeaders(c));
}

async function updateInventory(c: C): Promise<Response> {
  authorize(c, 'placement:resource_providers:inventories:update');
  const uuid = c.req.param('uuid')!;
  const rc = c.req.param('resource_class')!;
  providerOf(c, uuid);
  const { resource_provider_generation: generation, ...fields } = await jsonBody(c, putInventory);
  const inventory = withDefaults(fields);
  const replaced = await change(c, uuid, generation, { kind: 'update', resourceClass: rc, inventory });
  return json(inventoryView(replaced.inventories[rc]!, replaced.generation), 200, cacheHeaders(c));
}

async function deleteInventories(c: C): Promise<Response> {
  authorize(c, 'placement:resource_providers:inventories:delete');
  const uuid = c.req.param('uuid')!;
  providerOf(c, uuid);
  await change(c, uuid, null, { kind: 'delete-all' });
  return empty(204);
}

async function deleteInventory(c: C): Promise<Response> {
  authorize(c, 'placement:resource_providers:inventories:delete');
  const uuid = c.req.param('uuid')!;
  providerOf(c, uuid);
  await change(c, uuid, null, { kind: 'delete', resourceClass: c.req.param('resource_class')! });
  return empty(204);
}
