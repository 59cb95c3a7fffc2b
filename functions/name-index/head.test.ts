/**
 * The property the fast paths of covering and answer lookups rely on: a string whose head
 * holds all of it shares its head with no other string.
 */
import { describe, expect, it } from 'vitest';
import { headHoldsAll, headOf } from './head.ts';

const UNITS = ['a', 'b', 'ÿ', 'Ā', '\u00fe', '1'];

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
    expect(held).toBe(4 + 16 + 64);
    // Four units, or one of 255 or more, and the head is shared.
    expect(headHoldsAll('abab')).toBe(false);
    expect(headHoldsAll('aĀ')).toBe(false);
    expect(byHead.get(headOf('aĀ'))!.length).toBeGreaterThan(1);
  });
});
