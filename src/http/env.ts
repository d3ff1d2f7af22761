/**
 * @module http/env
 * The typed context every handler sees: declared once, set by the
 * middleware in app.ts (request id, accept, auth, microversion).
 */
import type { Ledger } from '../domain/model.ts';
import type { Writer } from '../commands/writer-port.ts';
import type { Version } from './microversion.ts';
import type { Profile } from './policy.ts';

/** Who is calling, as noauth2 derives it from the request headers. */
export interface AuthContext {
  readonly userId: string;
  /** null for a system-scoped token without an explicit project. */
  readonly projectId: string | null;
  readonly roles: readonly string[];
  /** 'all' when `OpenStack-System-Scope: all` was sent. */
  readonly systemScope: string | null;
}

export interface Deps {
  /** The current ledger; read it afresh per request. */
  readonly ledger: () => Ledger;
  readonly writer: Writer;
  /** While it gives a reason, every request is answered 503 with it (the ledger is being rebuilt). */
  readonly starting?: () => string | null;
  /** Server profile (PLACEMENT_PROFILE): policy and CORS. Default 'default'. */
  readonly profile?: Profile | string;
}

export interface Vars {
  readonly requestId: string;
  /** The Accept header as errors are negotiated against it (empty or any: JSON). */
  readonly accept: string;
  readonly auth: AuthContext;
  readonly microversion: Version;
  readonly deps: Deps;
  /**
   * Set when the answer is an error that upstream raises past its handler
   * (unknown route, missing object, policy): it gets the version header
   * but no `vary`.
   */
  readonly raised: boolean;
}

export type AppEnv = { Variables: Vars };
