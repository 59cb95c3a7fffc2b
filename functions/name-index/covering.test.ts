/**
 * Covering (separator heads bisected first, then strings, then a short walk) against the plain
 * string bisection over the same separators, with separators that share heads, run long under
 * one prefix, or hold units past Latin-1.
 */
import { describe, expect, it } from 'vitest';
import { compareCodeUnits } from '../../snapshot/natural.ts';
import { Covering, coveringChunks } from './covering.ts';

const UNITS = ['a', 'b', 'c', '\u0000', 'þ', 'ÿ', 'ā', 'α', '1', '𝔸'];

function randomStrings(seed: number, count: number): string[] {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(next() * 6) }, () => UNITS[Math.floor(next() * UNITS.length)]!).join(''));
}

describe('covering', () => {
  it('finds the run a plain bisection finds, for every prefix of every separator and absent ones', () => {
    for (const seed of [1, 2, 3]) {
      const firsts = ['', ...[...new Set(randomStrings(seed, 300))].sort(compareCodeUnits)];
      const covering = new Covering({ chunks: firsts.map((f) => [f] as const) });
      const prefixes = new Set(randomStrings(seed + 10, 200));
      for (const f of firsts) for (let n = 1; n <= f.length; n++) prefixes.add(f.slice(0, n));
      let long = 0;
      for (const prefix of prefixes) {
        const plain = coveringChunks(firsts.length, (i) => firsts[i]!, prefix);
        const run = covering.run(prefix);
        expect({ prefix, run }).toEqual({ prefix, run: plain });
        if (run[1] - run[0] > 5) long++;
      }
      expect(long).toBeGreaterThan(10);
    }
  });
});
