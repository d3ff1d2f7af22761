/**
 * @module testing/sim-clock
 * Simulated time: a queue of events ordered by (time, order of scheduling).
 * Nothing waits on a real timer; the driver runs one event at a time and
 * time jumps to it, so a simulated hour costs what its events cost.
 */

export interface SimEvent {
  readonly time: number;
  readonly order: number;
  readonly what: string;
  readonly fn: () => void;
  cancelled: boolean;
}

export class SimClock {
  private t: number;
  private order = 0;
  private readonly heap: SimEvent[] = [];

  constructor(startMs: number) { this.t = startMs; }

  now(): number { return this.t; }
  get pending(): number { return this.heap.length; }

  /** Runs `fn` at `timeMs` (never in the past). */
  at(timeMs: number, what: string, fn: () => void): SimEvent {
    const ev: SimEvent = { time: Math.max(timeMs, this.t), order: this.order++, what, fn, cancelled: false };
    this.push(ev);
    return ev;
  }

  after(delayMs: number, what: string, fn: () => void): SimEvent {
    return this.at(this.t + Math.max(0, delayMs), what, fn);
  }

  /** Takes the next event off the queue and moves time to it; undefined if none is left. */
  next(): SimEvent | undefined {
    for (;;) {
      const ev = this.pop();
      if (!ev) return undefined;
      if (ev.cancelled) continue;
      this.t = ev.time;
      return ev;
    }
  }

  private push(ev: SimEvent): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): SimEvent | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: SimEvent, b: SimEvent): boolean => a.time < b.time || (a.time === b.time && a.order < b.order);
