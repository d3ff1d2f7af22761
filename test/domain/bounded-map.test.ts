import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/domain/bounded-map.ts';

describe('BoundedMap', () => {
  it('keeps the newest keys, evicts the oldest, iterates oldest first', () => {
    const m = new BoundedMap<string, number>(3);
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) m.set(k, i);
    expect(m.has('a')).toBe(false);
    expect([...m]).toEqual([['b', 1], ['c', 2], ['d', 3]]);
    m.set('c', 9); // an update does not make it newer or evict anything
    expect([...m]).toEqual([['b', 1], ['c', 9], ['d', 3]]);
    m.set('e', 4);
    expect([...m].map(([k]) => k)).toEqual(['c', 'd', 'e']);
  });

});
