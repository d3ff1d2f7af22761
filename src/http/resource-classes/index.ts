/**
 * @module http/resource-classes
 * /resource_classes (1.2+): list, create, show, rename (1.2-1.6) or
 * create-if-absent (1.7+), delete. Standard classes are fixed.
 */
import { Hono } from 'hono';
import type { Ledger, ResourceClass } from '../../domain/model.ts';
import type { AppEnv } from '../env.ts';
import { HttpError } from '../error-format.ts';
import { atLeast, since } from '../microversion.ts';
import { assertContent, checkAccept, requireContent } from '../middleware/content.ts';
import { authorize } from '../policy.ts';
import { cacheHeaders, empty, json, locationOf } from '../responses.ts';
import type { RouteTable } from '../routes.ts';
import { submit } from '../submit.ts';
import { checkJson, jsonBody } from '../validate.ts';
import { postResourceClass, putResourceClass } from './schemas.ts';
import { resourceClassModified, resourceClassUrl, resourceClassView } from './view.ts';
import { requestHeader } from '../request-header.ts';

/** The class, or the 404 upstream raises from its object layer. */
function classOr404(ledger: Ledger, name: string): ResourceClass {
  const rc = ledger.resourceClasses.get(name);
  if (!rc) throw new HttpError({ status: 404, detail: `No such resource class ${name}.`, raised: true });
  return rc;
}

/** Standard classes have no time: any of them makes the answer "now". */
function listModified(classes: readonly ResourceClass[]): string | null {
  let best: string | null = null;
  for (const rc of classes) {
    const t = resourceClassModified(rc);
    if (t === null) return null;
    if (best === null || Date.parse(t) > Date.parse(best)) best = t;
  }
  return best;
}

export function resourceClassRoutes(table: RouteTable): Hono<AppEnv> {
  table.declare('/resource_classes', ['GET', 'POST']);
  table.declare('/resource_classes/:name', ['GET', 'PUT', 'DELETE']);
  const app = new Hono<AppEnv>();

  app.get('/resource_classes', since('1.2'), checkAccept(), (c) => {
    authorize(c, 'placement:resource_classes:list');
    const classes = [...c.get('deps').ledger().resourceClasses.values()].sort((a, b) => a.id - b.id);
    const body = { resource_classes: classes.map((rc) => resourceClassView(rc.name)) };
    return json(body, 200, cacheHeaders(c, listModified(classes)));
  });

  app.post('/resource_classes', since('1.2'), requireContent(), async (c) => {
    authorize(c, 'placement:resource_classes:create');
    const { name } = await jsonBody(c, postResourceClass(c.get('microversion')));
    await submit(c, { type: 'CreateResourceClass', name, ifAbsent: false });
    return empty(201, { location: locationOf(c, resourceClassUrl(name)) });
  });

  app.get('/resource_classes/:name', since('1.2'), checkAccept(), (c) => {
    authorize(c, 'placement:resource_classes:show');
    const rc = classOr404(c.get('deps').ledger(), c.req.param('name'));
    return json(resourceClassView(rc.name), 200, cacheHeaders(c, resourceClassModified(rc)));
  });

  app.put('/resource_classes/:name', since('1.2'), async (c) => {
    const v = c.get('microversion');
    const name = c.req.param('name');
    if (atLeast(v, '1.7')) {
      // Bodiless: create the class unless it exists (201 / 204).
      authorize(c, 'placement:resource_classes:update');
      checkJson(putResourceClass(v), `{"name": "${name}"}`);
      const existed = c.get('deps').ledger().resourceClasses.has(name);
      const events = existed ? [] : await submit(c, { type: 'CreateResourceClass', name, ifAbsent: true });
      return empty(events.length > 0 ? 201 : 204, { location: locationOf(c, resourceClassUrl(name)) });
    }
    assertContent(requestHeader(c, 'content-type'));
    authorize(c, 'placement:resource_classes:update');
    const data = await jsonBody(c, putResourceClass(v));
    classOr404(c.get('deps').ledger(), name);
    await submit(c, { type: 'RenameResourceClass', name, newName: data.name });
    return json(resourceClassView(data.name), 200);
  });

  app.delete('/resource_classes/:name', since('1.2'), async (c) => {
    authorize(c, 'placement:resource_classes:delete');
    const name = c.req.param('name');
    classOr404(c.get('deps').ledger(), name);
    await submit(c, { type: 'DeleteResourceClass', name });
    return empty(204);
  });

  return app;
}
