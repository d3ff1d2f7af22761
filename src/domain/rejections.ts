/**
 * @module domain/rejections
 * Why a command was refused, as a value. `detail` is the sentence Placement
 * clients and the conformance suite read; `kind` picks status and code
 * (src/errors/outcomes.ts).
 */
export type RejectionKind =
  | 'BadRequest'
  | 'NotFound'
  | 'Conflict'
  | 'ProviderGenerationConflict'
  | 'ConsumerGenerationConflict'
  | 'DuplicateName'
  | 'InventoryInUse'
  | 'ProviderInUse'
  | 'CannotDeleteParent'
  | 'ProviderNotFound'
  /** A provider the request body names does not exist (400, not 404). */
  | 'ProviderNotFoundInRequest'
  | 'Unavailable';

export interface Rejection {
  readonly kind: RejectionKind;
  readonly detail: string;
}

export const reject = (kind: RejectionKind, detail: string): Rejection => ({ kind, detail });
