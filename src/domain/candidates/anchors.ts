/**
 * @module domain/candidates/anchors
 * root_required (1.35): the roots allowed to anchor a candidate, those with
 * every required trait and no forbidden one. undefined: any root.
 */
import type { Ledger } from '../model.ts';

export type AnchorFilter = ReadonlySet<string> | undefined;

export type AnchorResult =
  | { readonly ok: true; readonly anchors: AnchorFilter }
  | { readonly ok: 'empty' }
  | { readonly ok: false; readonly unknown: 'trait'; readonly name: string };

export function anchorRoots(ledger: Ledger, required: ReadonlySet<string> = new Set(),
  forbidden: ReadonlySet<string> = new Set()): AnchorResult {
  if (required.size === 0 && forbidden.size === 0) return { ok: true, anchors: undefined };
  const unknown = [...required, ...forbidden].find((t) => !ledger.traits.has(t));
  if (unknown !== undefined) return { ok: false, unknown: 'trait', name: unknown };
  const anchors = new Set<string>();
  for (const rp of ledger.providers.values()) {
    if (rp.parentUuid !== null) continue;
    if ([...required].every((t) => rp.traits.has(t)) && ![...forbidden].some((t) => rp.traits.has(t))) {
      anchors.add(rp.uuid);
    }
  }
  return anchors.size === 0 ? { ok: 'empty' } : { ok: true, anchors };
}

export const admitsAnchor = (filter: AnchorFilter, root: string): boolean => filter === undefined || filter.has(root);
