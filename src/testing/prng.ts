/**
 * @module testing/prng
 * A small seeded PRNG (sfc32, seeded through splitmix32) for the simulation:
 * the same seed gives the same run, on every machine. Never Math.random.
 */

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative safe integer: ${seed}`);
    let s = (seed ^ Math.floor(seed / 2 ** 32)) >>> 0;
    const split = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** [0, 1) */
  float(): number { return this.next() / 2 ** 32; }
  /** [0, n) */
  int(n: number): number { return Math.floor(this.float() * n); }
  /** [min, max] */
  range(min: number, max: number): number { return min + this.int(max - min + 1); }
  chance(p: number): boolean { return p > 0 && this.float() < p; }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[this.int(items.length)]!;
  }
  /** Exponentially distributed, mean `mean` (arrivals, latencies). */
  exp(mean: number): number { return -mean * Math.log(1 - this.float()); }
  /** A child generator: one stream per concern, so adding a draw in one does not shift the others. */
  fork(): Prng { return new Prng(this.next() * 2 ** 21 + (this.next() >>> 11)); }
}
