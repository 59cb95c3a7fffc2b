import { describe, expect, it } from 'vitest';
import { COUNT_BASE, indexTable, pack, packCounts, packFrontCoded, PackedInts, PackedStrings, packInts, unitsOf, unpackFrontCoded, unpackInts } from './packed.ts';

/** Seeded strings over a small alphabet, so that prefixes repeat. */
function strings(count: number, seed: number): string[] {
  let x = seed;
  const next = () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24;
  return Array.from({ length: count }, () => Array.from({ length: Math.floor(next() * 12) }, () => 'ABz9-α'[Math.floor(next() * 6)]).join(''));
}

/** Every accessor against the plain array, brute force. */
function checkAgainst(list: string[]): PackedStrings {
  const packed = new PackedStrings(pack(list), list.length);
  expect(packed.length).toBe(list.length);
  const probes = ['', 'A', 'AB', 'z9', 'α', 'ABzz', ...list.slice(0, 20)];
  for (let i = 0; i < list.length; i += Math.max(1, Math.floor(list.length / 500))) {
    const s = list[i]!;
    expect(packed.get(i)).toBe(s);
    expect(packed.lengthOf(i)).toBe(s.length);
    expect(packed.unitAt(i, 1)).toBe(s.length > 1 ? s.charCodeAt(1) : -1);
    for (const p of probes) {
      const head = s.slice(0, p.length);
      expect(Math.sign(packed.comparePrefix(i, p))).toBe(head === p ? 0 : head < p ? -1 : 1);
      expect(packed.startsWith(i, p)).toBe(s.startsWith(p));
    }
  }
  return packed;
}

describe('PackedStrings', () => {
  it('answers as the array of its strings does, with two-byte offsets for a short text', () => {
    const list = strings(2_000, 7);
    const packed = checkAgainst(list);
    const text = pack(list);
    expect(packed.byteLength).toBe(text.length * 2 + (list.length + 1) * 2);
  });

  it('switches to four-byte offsets once the text passes 65,535 units, and still answers the same', () => {
    const list = strings(20_000, 11);
    const text = pack(list);
    expect(text.length).toBeGreaterThan(0xffff);
    const packed = checkAgainst(list);
    expect(packed.byteLength).toBe(text.length * 2 + (list.length + 1) * 4);
    expect(packed.get(list.length - 1)).toBe(list.at(-1));
  });

  it('refuses a text that holds another number of strings', () => {
    expect(() => new PackedStrings('a\nb', 3)).toThrow(/fewer than 3/);
    expect(() => new PackedStrings('a\nb\nc', 2)).toThrow(/more than 2/);
  });
});

describe('front coding', () => {
  it('round-trips sorted strings', () => {
    const sorted = [...new Set(strings(3_000, 3))].sort();
    expect(unpackFrontCoded(packFrontCoded(sorted), sorted.length)).toBe(pack(sorted));
  });
});

describe('indexTable', () => {
  it('uses one byte per value up to 255, two up to 65,535 and four above', () => {
    expect(indexTable(3, 0xff)).toBeInstanceOf(Uint8Array);
    expect(indexTable(3, 0x100)).toBeInstanceOf(Uint16Array);
    expect(indexTable(3, 0xffff)).toBeInstanceOf(Uint16Array);
    expect(indexTable(3, 0x10000)).toBeInstanceOf(Uint32Array);
    expect(indexTable(5, 9)).toHaveLength(5);
  });
});

describe('packed numbers and counts', () => {
  it('give back what was packed, at the narrowest width, in a table as narrow as the bound allows', () => {
    for (const max of [1, 63, 64, 4095, 4096, 2 ** 26]) {
      const values = Array.from({ length: 50 }, (_, i) => Math.floor((i * 2654435761) % max));
      const text = packInts(values);
      expect(text.length).toBe(1 + 50 * Number(text[0]));
      const back = unpackInts(text, 50, max);
      expect([...back]).toEqual(values);
      expect(back.BYTES_PER_ELEMENT).toBe(max <= 256 ? 1 : max <= 65536 ? 2 : 4);
    }
    expect(packInts([])).toBe('1');
    expect(unpackInts('1', 0, 1)).toHaveLength(0);
  });

  it('reject numbers that do not fit or do not parse', () => {
    expect(() => packInts([2 ** 30])).toThrow(/too large/);
    expect(() => packInts([-1])).toThrow(/non-negative/);
    expect(() => unpackInts(packInts([5, 6]), 3, 10)).toThrow(/do not hold 3/);
    expect(() => unpackInts(packInts([5, 60]), 2, 10)).toThrow(/packed number 1 is 60, not below 10/);
    expect(() => unpackInts('1A*', 2, 10)).toThrow(/bad digit/);
    expect(() => unpackInts('1Aé', 2, 10)).toThrow(/bad digit/);
  });

  it('read one at a time (PackedInts) as unpacking them all does, and are checked as strictly', () => {
    for (const max of [1, 63, 64, 4095, 4096, 2 ** 26, 2 ** 30]) {
      const values = Array.from({ length: 50 }, (_, i) => Math.floor((i * 2654435761) % max));
      const packed = new PackedInts(packInts(values), 50, max);
      expect(Array.from({ length: packed.length }, (_, i) => packed.get(i))).toEqual(values);
    }
    expect(new PackedInts('1', 0, 1).length).toBe(0);
    expect(() => new PackedInts(packInts([5, 6]), 3, 10)).toThrow(/do not hold 3/);
    expect(() => new PackedInts('1A*', 2, 10)).toThrow(/bad digit/);
    expect(() => new PackedInts('1Aé', 2, 10)).toThrow(/bad digit/);
    // Two digits can hold 60: each value is looked at. One digit cannot exceed 64: none is.
    expect(() => new PackedInts(packInts([5, 60]), 2, 10)).toThrow(/packed number 1 is 60, not below 10/);
    expect(() => new PackedInts(packInts([5, 63]), 2, 64)).not.toThrow();
  });

  it('write counts one character each and read them back as units, natively for ASCII and not only', () => {
    const counts = [0, 1, 2, 9, 40, 79, 80, 300];
    const text = packCounts(counts);
    expect(text).toHaveLength(counts.length);
    expect([...unitsOf(text)].map((u) => u - COUNT_BASE)).toEqual(counts);
    expect(unitsOf(packCounts([0, 1, 79]))).toBeInstanceOf(Uint8Array);
    expect(unitsOf(text)).toBeInstanceOf(Uint16Array);
    expect(() => packCounts([-1])).toThrow(/cannot pack -1/);
    expect(() => packCounts([0xd800])).toThrow(/cannot pack/);
  });
});
