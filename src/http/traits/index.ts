/**
 * @module http/traits
 * /traits (1.6+): list with `name=in:|startswith:` and `associated`
 * filters, and /traits/{name}: show (204), create-if-absent (201 / 204,
 * CUSTOM_ only), delete (standard and in-use traits refused).
 */
import { Hono, type Context } from 'hono';
import { listTraits, type TraitQuery } from '../../domain/queries/traits.ts';
import type { AppEnv } from '../env.ts';
import { HttpError } from '../error-format.ts';
import { since } from '../microversion.ts';
import { checkAccept } from '../middleware/content.ts';
import { authorize } from '../policy.ts';
import { cacheHeaders, empty, json, locationOf } from '../responses.ts';
import type { RouteTable } from '../routes.ts';
import { submit } from '../submit.ts';
import { queryParams } from '../validate.ts';
import { customTraitName, listTraitsQuery } from './schemas.ts';
import { traitModified, traitsModified, traitsView, traitUrl } from './view.ts';

type C = Context<AppEnv>;

const bad = (detail: string): HttpError => new HttpError({ status: 400, detail });

const INVALID_CUSTOM_TRAIT = 'The trait is invalid. A valid trait must be no longer than 255 characters, ' +
  'start with the prefix "CUSTOM_" and use following characters: "A"-"Z", "0"-"9" and "_"';

export function traitRoutes(table: RouteTable): Hono<AppEnv> {
  table.declare('/traits', ['GET']);
  table.declare('/traits/:name', ['GET', 'PUT', 'DELETE']);
  return new Hono<AppEnv>()
    .get('/traits', since('1.6'), checkAccept(), getTraits)
    .get('/traits/:name', since('1.6'), getTrait)
    .put('/traits/:name', since('1.6'), putTrait)
    .delete('/traits/:name', since('1.6'), deleteTrait);
}

/** `name=in:A,B` or `name=startswith:P`; another operator filters nothing, as upstream. */
function nameFilter(value: string): TraitQuery {
  const colon = value.indexOf(':');
  if (colon < 0) {
    throw bad('Badly formatted name parameter. Expected name query string parameter in form: ' +
      `?name=[in|startswith]:[name1,name2|prefix]. Got: "${value}"`);
  }
  const op = value.slice(0, colon);
  const rest = value.slice(colon + 1);
  if (op === 'in') return { nameIn: rest.split(',') };
  if (op === 'startswith') return { prefix: rest };
  return {};
}

function associatedFilter(value: string): boolean {
  const v = value.toLowerCase();
  if (v !== 'true' && v !== 'false') throw bad('The query parameter "associated" only accepts "true" or "false"');
  return v === 'true';
}

function getTraits(c: C): Response {
  authorize(c, 'placement:traits:list');
  const q = queryParams(c, listTraitsQuery);
  const query: TraitQuery = {
    ...(q.name !== undefined ? nameFilter(q.name) : {}),
    ...(q.associated !== undefined ? { associated: associatedFilter(q.associated) } : {}),
  };
  const traits = listTraits(c.get('deps').ledger(), query);
  return json(traitsView(traits.map((t) => t.name)), 200, cacheHeaders(c, traitsModified(traits)));
}

function traitOr404(c: C, name: string) {
  const trait = c.get('deps').ledger().traits.get(name);
  if (!trait) throw new HttpError({ status: 404, detail: `No such trait(s): ${name}.` });
  return trait;
}

function getTrait(c: C): Response {
  authorize(c, 'placement:traits:show');
  const trait = traitOr404(c, c.req.param('name')!);
  return empty(204, cacheHeaders(c, traitModified(trait)));
}

async function putTrait(c: C): Promise<Response> {
  authorize(c, 'placement:traits:update');
  const name = c.req.param('name')!;
  if (!customTraitName.safeParse(name).success) throw bad(INVALID_CUSTOM_TRAIT);
  const existing = c.get('deps').ledger().traits.get(name);
  const events = existing ? [] : await submit(c, { type: 'CreateTrait', name });
  // created_at of the trait, or now when it was just made (or made by someone else meanwhile).
  const modified = existing ? traitModified(existing) : null;
  const created = events.some((e) => e.type === 'TraitCreated');
  return empty(created ? 201 : 204, { location: locationOf(c, traitUrl(name)), ...cacheHeaders(c, modified) });
}

async function deleteTrait(c: C): Promise<Response> {
  authorize(c, 'placement:traits:delete');
  await submit(c, { type: 'DeleteTrait', name: c.req.param('name')! });
  return empty(204);
}
