/**
 * Range-minimum queries in O(1) over a fixed Uint32Array (a sparse table: level k holds the
 * position of the minimum of every window of 2^k values). n·log2(n) words of memory.
 */
export class RangeMin {
  private readonly values: Uint32Array;
  /** Level k (k >= 1) starts at k·n: the argmin of values[i .. i + 2^k). One flat array. */
  private readonly table: Uint32Array;
  private readonly n: number;

  constructor(values: Uint32Array) {
    const n = (this.n = values.length);
    this.values = values;
    const levels = n > 1 ? 31 - Math.clz32(n) : 0;
    this.table = new Uint32Array((levels + 1) * n);
    for (let i = 0; i < n; i++) this.table[i] = i;
    for (let k = 1, half = 1; k <= levels; k++, half *= 2) {
      const prev = (k - 1) * n;
      const cur = k * n;
      for (let i = 0; i + 2 * half <= n; i++) {
        const a = this.table[prev + i]!;
        const b = this.table[prev + i + half]!;
        this.table[cur + i] = values[a]! <= values[b]! ? a : b;
      }
    }
  }

  /** Position of the smallest value in values[from..to); requires from < to. */
  argmin(from: number, to: number): number {
    const k = 31 - Math.clz32(to - from);
    const a = this.table[k * this.n + from]!;
    const b = this.table[k * this.n + to - (1 << k)]!;
    return this.values[a]! <= this.values[b]! ? a : b;
  }

  /** Bytes held by the table, for memory budgeting. */
  get byteLength(): number {
    return this.table.byteLength;
  }
}

/** Runs up to this many times `limit` are scanned rather than walked with the heap. */
const SCAN_FACTOR = 4;

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
  if (to - from <= SCAN_FACTOR * limit) {
    // Short runs: one pass keeping the best `limit` in order beats the heap walk.
    for (let i = from; i < to; i++) {
      const v = values[i]!;
      if (out.length === limit) {
        if (v >= out[limit - 1]!) continue;
        out.pop();
      }
      let j = out.length;
      out.push(v);
      while (j > 0 && out[j - 1]! > v) {
        out[j] = out[j - 1]!;
        j--;
      }
      out[j] = v;
    }
    return out;
  }
  // A binary min-heap of ranges keyed by their minimum value; it holds at most limit + 1.
  ensureHeap(limit + 2);
  let size = push(rmq, values, 0, from, to);
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
    size = push(rmq, values, size, lo, at);
    size = push(rmq, values, size, at + 1, hi);
  }
  return out;
}

/** Pushes the range [lo, hi) keyed by its minimum onto the scratch heap; returns the new size. */
function push(rmq: RangeMin, values: Uint32Array, size: number, lo: number, hi: number): number {
  if (lo >= hi) return size;
  const at = rmq.argmin(lo, hi);
  const value = values[at]!;
  let i = size;
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
  return size + 1;
}
