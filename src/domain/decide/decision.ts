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
 * A large integral number as Python echoes it (a generation given that
 * large can only conflict, and the conflict's text echoes it). Below 1e21,
 * where String() writes 9223372036854776000, every digit, as Python prints
 * the int literal 2**63; from 1e21 on, String()'s 1e+300 is what Python
 * prints for the float literal 1e300 (an int literal that long has lost
 * its digits in the double anyway).
 */
export const intText = (n: number): string =>
  Number.isInteger(n) && !Number.isSafeInteger(n) && Math.abs(n) < 1e21 ? BigInt(n).toString() : String(n);
