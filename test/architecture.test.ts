import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
});

describe('architecture', () => {
  it('keeps the domain core pure: no I/O imports, no clock, no randomness', () => {
    const domain = files(new URL('../src/domain', import.meta.url).pathname);
    expect(domain.length).toBeGreaterThan(5);
    for (const f of domain) {
      const src = readFileSync(f, 'utf8');
      expect(src, f).not.toMatch(/from ['"](node:|@nats-io|hono|@hono)/);
      expect(src, f).not.toMatch(/Date\.now\(|new Date\(|Math\.random\(|randomUUID|process\.env|console\./);
    }
  });
});
