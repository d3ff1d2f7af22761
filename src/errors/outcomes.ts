/**
 * @module errors/outcomes
 * One row per rejection kind: the HTTP status and Placement code it becomes.
 * Used by the HTTP front and by NATS replies alike, so both say the same.
 */
import type { Rejection, RejectionKind } from '../domain/rejections.ts';
import { Code } from './codes.ts';

export interface Outcome {
  readonly status: number;
  readonly code: Code;
  readonly detail: string;
}

const table: { readonly [K in RejectionKind]: { status: number; code: Code } } = {
  BadRequest: { status: 400, code: Code.Undefined },
  NotFound: { status: 404, code: Code.Undefined },
  Conflict: { status: 409, code: Code.Undefined },
  ProviderGenerationConflict: { status: 409, code: Code.ConcurrentUpdate },
  ConsumerGenerationConflict: { status: 409, code: Code.ConcurrentUpdate },
  DuplicateName: { status: 409, code: Code.DuplicateName },
  InventoryInUse: { status: 409, code: Code.InventoryInUse },
  ProviderInUse: { status: 409, code: Code.ProviderInUse },
  CannotDeleteParent: { status: 409, code: Code.ProviderCannotDeleteParent },
  ProviderNotFound: { status: 404, code: Code.ProviderNotFound },
  ProviderNotFoundInRequest: { status: 400, code: Code.ProviderNotFound },
  Unavailable: { status: 503, code: Code.Undefined },
};

export const outcomeOf = (r: Rejection): Outcome => ({ ...table[r.kind], detail: r.detail });
