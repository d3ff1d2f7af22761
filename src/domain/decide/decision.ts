/**
 * @module domain/decide/decision
 * What deciding a command yields: the events to append (possibly none, for
 * an idempotent no-op) or the rejection to send back.
 */
import type { PlacementEvent } from '../events.ts';
import type { Rejection } from '../rejections.ts';

export type Decision =
  | { readonly events: readonly PlacementEvent[]; readonly rejection?: undefined }
  | { readonly rejection: Rejection; readonly events?: undefined };

export const accept = (...events: PlacementEvent[]): Decision => ({ events });
export const refuse = (rejection: Rejection): Decision => ({ rejection });
