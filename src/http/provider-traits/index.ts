/**
 * @module http/provider-traits
 * /resource_providers/{uuid}/traits (1.6+): list, replace (generation
 * checked), remove all. Write responses come from the
 * ProviderTraitsReplaced event; an unchanged set writes nothing.
 */
import { Hono, type Context } from 'hono';
import { GENERATION_CHANGED } from '../../domain/decide/traits.ts';
import type { ProviderTraitsReplaced } from '../../domain/events.ts';
import type { ResourceProvider } from '../../domain/model.ts';
import { reject } from '../../domain/rejections.ts';
import { outcomeOf } from '../../errors/outcomes.ts';
import type { AppEnv } from '../env.ts';
import { HttpError } from '../error-format.ts';
import { since } from '../microversion.ts';
import { checkAccept, requireContent } from '../middleware/content.ts';
import { authorize } from '../policy.ts';
import { cacheHeaders, empty, json } from '../responses.ts';
import { providerOr404 } from '../resource-providers/index.ts';
import type { RouteTable } from '../routes.ts';
import { submit } from '../submit.ts';
import { jsonBody } from '../validate.ts';
import { putProviderTraits } from './schemas.ts';
import { providerTraitsModified, providerTraitsView } from './view.ts';

type C = Context<AppEnv>;

const PATH = '/resource_providers/:uuid/traits';

export function providerTraitRoutes(table: RouteTable): Hono<AppEnv> {
  table.declare(PATH, ['GET', 'PUT', 'DELETE']);
  return new Hono<AppEnv>()
    .get(PATH, since('1.6'), checkAccept(), getProviderTraits)
    .put(PATH, since('1.6'), requireContent(), putTraits)
    .delete(PATH, since('1.6'), deleteTraits);
}

/** The GET handler words its 404 itself: "...found: <object layer's sentence>". */
function providerForRead(c: C, uuid: string): ResourceProvider {
  const rp = c.get('deps').ledger().providers.get(uuid);
  if (!rp) {
    const why = `No resource provider with uuid ${uuid} found`;
    throw new HttpError({ status: 404, detail: `${why}: ${why}` });
  }
  return rp;
}

function getProviderTraits(c: C): Response {
  authorize(c, 'placement:resource_providers:traits:list');
  const rp = providerForRead(c, c.req.param('uuid')!);
  const ledger = c.get('deps').ledger();
  return json(providerTraitsView(rp.traits, rp.generation), 200,
    cacheHeaders(c, providerTraitsModified(ledger, rp.traits)));
}

async function putTraits(c: C): Promise<Response> {
  authorize(c, 'placement:resource_providers:traits:update');
  const uuid = c.req.param('uuid')!;
  const body = await jsonBody(c, putProviderTraits);
  const ledger = c.get('deps').ledger();
  const rp = providerOr404(ledger, uuid);
  const missing = [...new Set(body.traits)].filter((t) => !ledger.traits.has(t));
  if (missing.length > 0) {
    // Refused here, in the core's order (generation first), so unknown names never reach the command contract.
    const rejection = rp.generation !== body.resource_provider_generation
      ? reject('ProviderGenerationConflict', GENERATION_CHANGED)
      : reject('BadRequest', `No such trait ${missing.join(', ')}`);
    throw new HttpError(outcomeOf(rejection));
  }
  const events = await submit(c, {
    type: 'SetProviderTraits', uuid, generation: body.resource_provider_generation, traits: body.traits,
  });
  const replaced = events.find((e): e is ProviderTraitsReplaced => e.type === 'ProviderTraitsReplaced');
  // No event: the set was unchanged and so is the generation.
  const traits = replaced?.traits ?? [...new Set(body.traits)];
  const generation = replaced?.generation ?? body.resource_provider_generation;
  return json(providerTraitsView(traits, generation), 200,
    cacheHeaders(c, providerTraitsModified(c.get('deps').ledger(), traits)));
}

async function deleteTraits(c: C): Promise<Response> {
  authorize(c, 'placement:resource_providers:traits:delete');
  const uuid = c.req.param('uuid')!;
  providerOr404(c.get('deps').ledger(), uuid);
  await submit(c, { type: 'SetProviderTraits', uuid, generation: null, traits: [] });
  return empty(204);
}
