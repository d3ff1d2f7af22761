/**
 * @module data/standards
 * Reads the standard resource classes and traits of the Placement release
 * we match (os-resource-classes 1.1.0, os-traits 2.9.0).
 */
import { readFileSync } from 'node:fs';
import type { Standards } from '../domain/state.ts';

const lines = (file: string): string[] =>
  readFileSync(new URL(file, import.meta.url), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);

let cached: Standards | undefined;

export function loadStandards(): Standards {
  cached ??= {
    resourceClasses: lines('./standard-resource-classes.txt'),
    traits: lines('./standard-traits.txt'),
  };
  return cached;
}
