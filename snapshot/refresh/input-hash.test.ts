import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FingerprintSum, inputHash, rowText, sameFingerprint, textValue, unsettledHash, type Fingerprint } from './input-hash.ts';

type Row = [stableId: string, label: string | null, location: string | null];

function fingerprint(rows: readonly Row[]): Fingerprint {
  const sum = new FingerprintSum();
  for (const [id, label, location] of rows) sum.add(textValue(rowText(id, label, location)));
  return sum.fingerprint;
}

/** A seeded PRNG (mulberry32), so that failures repeat. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROWS: Row[] = [
  ['ENSG00000012048', 'BRCA1', '17:43044295-43125483'],
  ['ENSG00000139618', 'BRCA2', '13:32315474-32400266'],
  ['ENSG00000141510', 'TP53', null],
  ['ENSG00000000001', null, '1:1-2'],
];

describe('row texts', () => {
  it('join the non-NULL columns by tabs and say which were NULL', () => {
    expect(rowText('ENSG1', 'BRCA1', '17:1-2')).toBe('ENSG1\tBRCA1\t17:1-2\t0');
    expect(rowText('ENSG1', null, '17:1-2')).toBe('ENSG1\t17:1-2\t1');
    expect(rowText('ENSG1', '17:1-2', null)).toBe('ENSG1\t17:1-2\t2');
    expect(rowText('ENSG1', null, null)).toBe('ENSG1\t3');
    expect(rowText('ENSG1', '', '')).toBe('ENSG1\t\t\t0');
  });
});

describe('fingerprints', () => {
  it('do not depend on row order', () => {
    expect(fingerprint(ROWS)).toEqual(fingerprint([...ROWS].reverse()));
  });

  it('change when a row is added, removed, doubled or changed in any column', () => {
    const base = fingerprint(ROWS);
    const variants: Row[][] = [
      [...ROWS, ['ENSG00000000002', 'NEW', null]],
      ROWS.slice(1),
      [...ROWS, ROWS[0]!],
      ROWS.map((r, i) => (i === 0 ? [r[0], 'BRCA1X', r[2]] : r)),
      ROWS.map((r, i) => (i === 0 ? [r[0], r[1], '17:1-2'] : r)),
      ROWS.map((r, i) => (i === 0 ? ['ENSG00000012049', r[1], r[2]] : r)),
      ROWS.map((r, i) => (i === 2 ? [r[0], r[1], ''] : r)), // NULL location -> empty
      ROWS.map((r, i) => (i === 3 ? [r[0], '', r[2]] : r)), // NULL label -> empty
    ];
    for (const rows of variants) expect(sameFingerprint(fingerprint(rows), base), JSON.stringify(rows)).toBe(false);
  });

  it('catch labels swapped between rows, which a sum of CRC32s alone can miss', () => {
    const rand = prng(20261202);
    const word = (n: number) => Array.from({ length: n }, () => String.fromCharCode(65 + Math.floor(rand() * 26))).join('');
    let crcOnlyMissed = 0;
    for (let i = 0; i < 20_000; i++) {
      const [a, b, x, y] = [`ENSG${word(11)}`, `ENSG${word(11)}`, word(5), word(5)];
      const before = fingerprint([[a, x, null], [b, y, null]]);
      const after = fingerprint([[a, y, null], [b, x, null]]);
      expect(sameFingerprint(before, after)).toBe(x === y);
      const crcSum = (p: string, q: string) => crc32(rowText(a, p, null)) + crc32(rowText(b, q, null));
      if (x !== y && crcSum(x, y) === crcSum(y, x)) crcOnlyMissed++;
    }
    // CRC32 is linear: for equal lengths a swap changes both rows by the same XOR mask, which
    // a plain sum misses whenever the two rows differ in every bit of the mask.
    expect(crcOnlyMissed).toBeGreaterThan(0);
  });

  it('value a text as MySQL does: CRC32 of its UTF-8 bytes times CRC32 of its reversed characters, odd', () => {
    const text = 'ENSG1\tα-actin 𝔾\t0';
    const reversed = Array.from(text).reverse().join('');
    expect(textValue(text)).toBe(BigInt(crc32(Buffer.from(text, 'utf8'))) * BigInt((crc32(Buffer.from(reversed, 'utf8')) | 1) >>> 0));
  });
});

describe('input hashes', () => {
  const rows = fingerprint(ROWS);
  it('depend on the species, the rows and the core data, and tell no core data from empty core data', () => {
    const hash = inputHash('homo_sapiens', rows, null);
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expect(inputHash('homo_sapiens', rows, null)).toBe(hash);
    expect(inputHash('mus_musculus', rows, null)).not.toBe(hash);
    expect(inputHash('homo_sapiens', rows, { count: 0, sum: 0n })).not.toBe(hash);
    expect(inputHash('homo_sapiens', rows, { count: 1, sum: 5n })).not.toBe(inputHash('homo_sapiens', rows, { count: 1, sum: 6n }));
    expect(inputHash('homo_sapiens', { ...rows, count: rows.count + 1 }, null)).not.toBe(hash);
  });

  it('for a species that changed while it was read: a hash no input has', () => {
    expect(unsettledHash('homo_sapiens')).toMatch(/^[0-9a-f]{32}$/);
    expect(unsettledHash('homo_sapiens')).not.toBe(unsettledHash('homo_sapiens'));
  });
});
