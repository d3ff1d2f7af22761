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

/**
 * An integer as Python prints it: every digit, where String() would write
 * 9223372036854776000 or 1e+21 for values past 2**53 (a generation given
 * that large can only conflict, and the conflict's text echoes it).
 */
export const intText = (n: number): string =>
  Number.isInteger(n) && !Number.isSafeInteger(n) ? BigInt(n).toString() : String(n);
