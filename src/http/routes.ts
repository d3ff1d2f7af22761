/**
 * @module http/routes
 * The route table's shape, as upstream's make_map builds it: every path
 * declares its methods, and any other method on a known path (HEAD and
 * OPTIONS included) is a 405 with an `Allow` header listing them.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.ts';
import { HttpError } from './error-format.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface Declared {
  readonly pattern: RegExp;
  readonly methods: readonly Method[];
}

export class RouteTable {
  private readonly routes: Declared[] = [];

  /** `path` in Hono syntax (`/resource_providers/:uuid`); methods in upstream's order. */
  declare(path: string, methods: readonly Method[]): this {
    const source = path.split('/').map((seg) => (seg.startsWith(':') ? '[^/]+' : escape(seg))).join('/');
    this.routes.push({ pattern: new RegExp(`^${source}$`), methods });
    return this;
  }

  allowedMethods(path: string): readonly Method[] | undefined {
    return this.routes.find((r) => r.pattern.test(path))?.methods;
  }

  /** 405 for a known path with an undeclared method; unknown paths fall through to 404. */
  guard(): MiddlewareHandler<AppEnv> {
    const table = this;
    return async function methodGuard(c, next) {
      const methods = table.allowedMethods(c.req.path);
      if (methods && !(methods as readonly string[]).includes(c.req.method)) {
        throw new HttpError({
          status: 405, detail: 'The method specified is not allowed for this resource.',
          headers: { allow: methods.join(', ') },
        });
      }
      await next();
    };
  }
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
