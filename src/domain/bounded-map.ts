/**
 * @module domain/bounded-map
 * A map that keeps only its newest `max` keys, evicting the oldest in O(1).
 * (Deleting a plain Map's first key over and over leaves holes that every
 * later `keys().next()` walks again: quadratic over a long replay.)
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  private readonly ring: Array<K | undefined>;
  private next = 0;

  constructor(readonly max: number) {
    this.ring = new Array<K | undefined>(max);
  }

  get size(): number { return this.map.size; }
  get(key: K): V | undefined { return this.map.get(key); }
  has(key: K): boolean { return this.map.has(key); }

  set(key: K, value: V): this {
    if (!this.map.has(key)) {
      const evicted = this.ring[this.next];
      if (evicted !== undefined) this.map.delete(evicted);
      this.ring[this.next] = key;
      this.next = (this.next + 1) % this.max;
    }
    this.map.set(key, value);
    return this;
  }

  /** Oldest first. */
  *[Symbol.iterator](): IterableIterator<[K, V]> {
    for (let i = 0; i < this.max; i++) {
      const key = this.ring[(this.next + i) % this.max];
      if (key !== undefined && this.map.has(key)) yield [key, this.map.get(key)!];
    }
  }
}
