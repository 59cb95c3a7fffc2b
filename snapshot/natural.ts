/**
 * The ranking order of suggestions (see docs/design.md, "Query semantics"):
 * natural order of the folded label, then the raw label by code point.
 *
 * Natural order: maximal ASCII digit runs compare by numeric value, then by run length
 * (shorter first); other runs by code point; a digit run sorts before a non-digit run; a
 * string that is a prefix of the other sorts first. So F2 < F10, HOXA9 < HOXA10, and every
 * label sorts before its own extensions, which puts an exact match first.
 */
import { fold } from './fold.ts';

const ZERO = 48;
const NINE = 57;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** UTF-16 code units reordered so that surrogate pairs sort above U+E000–U+FFFF, as code points do. */
function codePointRank(c: number): number {
  if (c < 0xd800) return c;
  return c >= 0xe000 ? c - 0x800 : c + 0x2000;
}

/** Compares two strings by UTF-16 code unit, as JavaScript's `<` does (the order of sorted keys). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two strings by code point (JavaScript's `<` compares UTF-16 code units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) return codePointRank(ca) - codePointRank(cb);
  }
  return a.length - b.length;
}

function digitRunEnd(s: string, from: number): number {
  let i = from;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  return i;
}

/** Natural order of two (already folded) strings. Negative, zero or positive like any comparator. */
export function compareNatural(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    const aDigit = isDigit(ca);
    const bDigit = isDigit(cb);
    if (aDigit && bDigit) {
      const aEnd = digitRunEnd(a, i);
      const bEnd = digitRunEnd(b, j);
      // Compare numeric values without parsing: skip leading zeros, then longer means larger.
      let ai = i;
      let bj = j;
      while (ai < aEnd && a.charCodeAt(ai) === ZERO) ai++;
      while (bj < bEnd && b.charCodeAt(bj) === ZERO) bj++;
      const significant = aEnd - ai - (bEnd - bj);
      if (significant !== 0) return significant;
      for (; ai < aEnd; ai++, bj++) {
        const d = a.charCodeAt(ai) - b.charCodeAt(bj);
        if (d !== 0) return d;
      }
      const runLength = aEnd - i - (bEnd - j);
      if (runLength !== 0) return runLength;
      i = aEnd;
      j = bEnd;
    } else if (aDigit || bDigit) {
      // A digit run sorts before a non-digit run; this also covers one non-digit run
      // being a prefix of the other (the shorter one is followed by a digit).
      return aDigit ? -1 : 1;
    } else {
      if (ca !== cb) return codePointRank(ca) - codePointRank(cb);
      i++;
      j++;
    }
  }
  return a.length - i - (b.length - j);
}

/** The full ranking order of two raw labels. */
export function compareLabels(a: string, b: string): number {
  return compareNatural(fold(a), fold(b)) || compareCodePoints(a, b);
}

/** Sorts raw labels into ranking order, folding each once. */
export function sortLabels(labels: readonly string[]): string[] {
  const keyed = labels.map((label) => ({ label, key: fold(label) }));
  keyed.sort((x, y) => compareNatural(x.key, y.key) || compareCodePoints(x.label, y.label));
  return keyed.map((k) => k.label);
}
