/**
 * Range-minimum queries in O(1) over a fixed Uint32Array (a sparse table: level k holds the
 * position of the minimum of every window of 2^k values). n·log2(n) words of memory.
 */
export class RangeMin {
  private readonly values: Uint32Array;
  private readonly levels: Uint32Array[];

  constructor(values: Uint32Array) {
    this.values = values;
    this.levels = [];
    let previous: Uint32Array | null = null;
    for (let width = 2; width <= values.length; width *= 2) {
      const half = width / 2;
      const level = new Uint32Array(values.length - width + 1);
      for (let i = 0; i < level.length; i++) {
        const a = previous ? previous[i]! : i;
        const b = previous ? previous[i + half]! : i + half;
        level[i] = values[a]! <= values[b]! ? a : b;
      }
      this.levels.push(level);
      previous = level;
    }
  }

  /** Position of the smallest value in values[from..to); requires from < to. */
  argmin(from: number, to: number): number {
    const span = to - from;
    if (span === 1) return from;
    const k = 31 - Math.clz32(span);
    const level = this.levels[k - 1]!;
    const a = level[from]!;
    const b = level[to - (1 << k)]!;
    return this.values[a]! <= this.values[b]! ? a : b;
  }

  /** Bytes held by the table, for memory budgeting. */
  get byteLength(): number {
    return this.levels.reduce((sum, level) => sum + level.byteLength, 0);
  }
}

// Scratch heap for smallestInRange, reused across calls (searches are synchronous).
let heapValue = new Uint32Array(64);
let heapAt = new Uint32Array(64);
let heapFrom = new Uint32Array(64);
let heapTo = new Uint32Array(64);

function ensureHeap(size: number): void {
  if (heapValue.length >= size) return;
  heapValue = new Uint32Array(size);
  heapAt = new Uint32Array(size);
  heapFrom = new Uint32Array(size);
  heapTo = new Uint32Array(size);
}

/**
 * The `limit` smallest values of values[from..to), ascending: pop the range minimum, then
 * split its range in two around it (a lazy walk of the Cartesian tree). O(limit · log limit).
 */
export function smallestInRange(rmq: RangeMin, values: Uint32Array, from: number, to: number, limit: number): number[] {
  const out: number[] = [];
  if (to - from <= limit) {
    for (let i = from; i < to; i++) out.push(values[i]!);
    return out.sort((a, b) => a - b);
  }
  // A binary min-heap of ranges keyed by their minimum value; it holds at most limit + 1.
  ensureHeap(limit + 2);
  let size = 0;
  const push = (lo: number, hi: number) => {
    if (lo >= hi) return;
    const at = rmq.argmin(lo, hi);
    const value = values[at]!;
    let i = size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heapValue[parent]! <= value) break;
      heapValue[i] = heapValue[parent]!;
      heapAt[i] = heapAt[parent]!;
      heapFrom[i] = heapFrom[parent]!;
      heapTo[i] = heapTo[parent]!;
      i = parent;
    }
    heapValue[i] = value;
    heapAt[i] = at;
    heapFrom[i] = lo;
    heapTo[i] = hi;
  };
  push(from, to);
  while (out.length < limit && size > 0) {
    const value = heapValue[0]!;
    const at = heapAt[0]!;
    const lo = heapFrom[0]!;
    const hi = heapTo[0]!;
    // Sift the last node down from the root.
    size--;
    const lastValue = heapValue[size]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const c = l + 1 < size && heapValue[l + 1]! < heapValue[l]! ? l + 1 : l;
      if (heapValue[c]! >= lastValue) break;
      heapValue[i] = heapValue[c]!;
      heapAt[i] = heapAt[c]!;
      heapFrom[i] = heapFrom[c]!;
      heapTo[i] = heapTo[c]!;
      i = c;
    }
    heapValue[i] = lastValue;
    heapAt[i] = heapAt[size]!;
    heapFrom[i] = heapFrom[size]!;
    heapTo[i] = heapTo[size]!;
    out.push(value);
    push(lo, at);
    push(at + 1, hi);
  }
  return out;
}
