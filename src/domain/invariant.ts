/**
 * @module domain/invariant
 * A broken invariant is a bug, not a rejection: stop loudly.
 */
export function invariant(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`invariant violated: ${what}`);
}
