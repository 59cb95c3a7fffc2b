/**
 * The properties the fast paths of covering and answer lookups rely on: a string whose head
 * holds all of it shares its head with no other string, and heads keep the order of strings.
 */
import { describe, expect, it } from 'vitest';
import { headHoldsAll, headOf } from './head.ts';

const UNITS = ['\u0000', 'a', 'b', '\u00fd', '\u00fe', 'ÿ', 'Ā'];

/** Every string of up to five of UNITS. */
function allStrings(): string[] {
  const out = [''];
  for (let at = 0; out[at] !== undefined && out[at]!.length < 5; at++) for (const u of UNITS) out.push(out[at] + u);
  return out;
}

describe('headHoldsAll', () => {
  it('holds exactly when no other string has the same head', () => {
    const strings = allStrings();
    const byHead = new Map<number, string[]>();
    for (const s of strings) byHead.set(headOf(s), [...(byHead.get(headOf(s)) ?? []), s]);
    let held = 0;
    for (const s of strings.slice(1)) {
      if (!headHoldsAll(s)) continue;
      held++;
      expect(byHead.get(headOf(s))).toEqual([s]);
    }
    // Strings of 1-3 units below 254: four of the seven units.
    expect(held).toBe(4 + 16 + 64);
    // Four units, or one of 254 or more, and the head is shared.
    expect(headHoldsAll('abab')).toBe(false);
    expect(headHoldsAll('a\u00fe')).toBe(false);
    expect(byHead.get(headOf('a\u00fe'))!.length).toBeGreaterThan(1);
  });

  it('keeps the order of strings: s < t gives headOf(s) <= headOf(t)', () => {
    const sorted = allStrings().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 1; i < sorted.length; i++) expect(headOf(sorted[i - 1]!)).toBeLessThanOrEqual(headOf(sorted[i]!));
  });
});
