/**
 * @module http/allocation-candidates
 * GET /allocation_candidates (1.10+): validate the query for the version,
 * parse request groups, run the pure candidate search, render per version.
 */
import { Hono } from 'hono';
import { findCandidates } from '../../domain/candidates/index.ts';
import type { AppEnv } from '../env.ts';
import { HttpError } from '../error-format.ts';
import { since } from '../microversion.ts';
import { checkAccept } from '../middleware/content.ts';
import { authorize } from '../policy.ts';
import { cacheHeaders, json } from '../responses.ts';
import type { RouteTable } from '../routes.ts';
import { querySearchParams } from '../validate.ts';
import { parseGroups, parseRequestWide } from './request-groups.ts';
import { checkQuery } from './schemas.ts';
import { candidatesView } from './view.ts';

const bad = (detail: string): HttpError => new HttpError({ status: 400, detail });

export function allocationCandidateRoutes(table: RouteTable): Hono<AppEnv> {
  table.declare('/allocation_candidates', ['GET']);
  const app = new Hono<AppEnv>();

  app.get('/allocation_candidates', since('1.10'), checkAccept(), (c) => {
    authorize(c, 'placement:allocation_candidates:list');
    const v = c.get('microversion');
    const entries = [...querySearchParams(c)];
    const q = checkQuery(v, Object.fromEntries(entries));
    const wide = parseRequestWide(entries, q, v);
    const groups = parseGroups(entries, v, wide);
    if (!wide.groupPolicy && groups.filter((g) => g.useSameProvider).length > 1) {
      throw bad('The "group_policy" parameter is required when specifying more than one "resources{N}" parameter.');
    }
    const found = findCandidates(c.get('deps').ledger(), groups, wide);
    if (!found.ok) {
      throw bad(found.unknown === 'trait'
        ? `No such trait(s): ${found.name}.`
        : `Invalid resource class in resources parameter: No such resource class ${found.name}.`);
    }
    const requested = new Set(groups.flatMap((g) => [...g.resources.keys()]));
    return json(candidatesView(found, v, requested), 200, cacheHeaders(c));
  });

  return app;
}
