import { describe, expect, it } from 'vitest';
import { RangeMin, smallestInRange } from './range-min.ts';

function shuffled(n: number, seed: number): Uint32Array {
  const values = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return values;
}

describe('RangeMin and smallestInRange', () => {
  it('agree with a brute-force scan on random ranges and limits', () => {
    for (const n of [1, 2, 3, 17, 1000]) {
      const values = shuffled(n, n);
      const rmq = new RangeMin(values);
      let seed = 99;
      for (let t = 0; t < 300; t++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const from = seed % n;
        const to = from + 1 + ((seed >> 8) % (n - from));
        const limit = 1 + ((seed >> 4) % 30);
        const window = Array.from(values.subarray(from, to));
        expect(values[rmq.argmin(from, to)]).toBe(Math.min(...window));
        expect(smallestInRange(rmq, values, from, to, limit)).toEqual(window.sort((a, b) => a - b).slice(0, limit));
      }
    }
  });

  it('returns nothing for an empty range', () => {
    const values = shuffled(10, 1);
    expect(smallestInRange(new RangeMin(values), values, 4, 4, 10)).toEqual([]);
  });
});
