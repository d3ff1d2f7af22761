/**
 * @module log/codec
 * The stored form of a batch: JSON, versioned. Decoding refuses anything
 * that is not a batch we wrote, so replay never folds garbage.
 */
import type { LogBatch } from '../domain/events.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodeBatch = (batch: LogBatch): Uint8Array => encoder.encode(JSON.stringify(batch));

export function decodeBatch(data: Uint8Array): LogBatch | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(data));
  } catch {
    return null;
  }
  const b = parsed as LogBatch;
  if (!b || b.v !== 1 || typeof b.epoch !== 'number' || !Array.isArray(b.records)) return null;
  return b;
}
