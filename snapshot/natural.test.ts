import { describe, expect, it } from 'vitest';
import { fold, canonicalSpecies } from './fold.ts';
import { compareCodePoints, compareCodeUnits, compareLabels, compareNatural, sortLabels } from './natural.ts';

describe('fold', () => {
  it('lower-cases, decomposes and drops combining marks', () => {
    expect(fold('BRCA1')).toBe('brca1');
    expect(fold('brcá')).toBe('brca');
    expect(fold('É')).toBe('e');
    expect(fold('ﬁ')).toBe('fi'); // compatibility decomposition (NFKD)
    expect(fold('β')).toBe('β');
  });

  it('reads species names case-insensitively with spaces as underscores', () => {
    expect(canonicalSpecies('Homo sapiens')).toBe('homo_sapiens');
    expect(canonicalSpecies(' Homo_Sapiens ')).toBe('homo_sapiens');
  });
});

describe('natural order', () => {
  const sorted = (labels: string[]) => sortLabels(labels);

  it('compares digit runs by value, then by run length', () => {
    expect(sorted(['F10', 'F2', 'F5', 'F3'])).toEqual(['F2', 'F3', 'F5', 'F10']);
    expect(sorted(['HOXA10', 'HOXA9', 'HOXA1', 'HOXA2'])).toEqual(['HOXA1', 'HOXA2', 'HOXA9', 'HOXA10']);
    expect(sorted(['a01', 'a1', 'a001', 'a2'])).toEqual(['a1', 'a01', 'a001', 'a2']);
    // Values beyond 2^53 still compare exactly.
    expect(compareNatural('x99999999999999999998', 'x99999999999999999999')).toBeLessThan(0);
  });

  it('puts a digit run before a non-digit run and a prefix first', () => {
    expect(sorted(['BOLA-DMA', 'BOLA1', 'BOLA'])).toEqual(['BOLA', 'BOLA1', 'BOLA-DMA']);
    expect(sorted(['C4BPA', 'C4B_2', 'C4B'])).toEqual(['C4B', 'C4B_2', 'C4BPA']);
    expect(sorted(['HLA-DQB2', 'HLA-DQB1-AS1', 'HLA-DQB1'])).toEqual(['HLA-DQB1', 'HLA-DQB1-AS1', 'HLA-DQB2']);
  });

  it('breaks ties of the folded form by raw code point', () => {
    expect(sorted(['cnih2', 'CNIH2'])).toEqual(['CNIH2', 'cnih2']);
    expect(sorted(['BoLA', 'BOLA'])).toEqual(['BOLA', 'BoLA']);
    expect(compareLabels('CNIH2', 'CNIH2')).toBe(0);
  });

  it('orders by code point, not UTF-16 unit, above the BMP', () => {
    expect(compareCodePoints('\u{ff21}', '\u{1f600}')).toBeLessThan(0);
    expect('\u{ff21}' < '\u{1f600}').toBe(false); // what plain string comparison would say
    expect(compareNatural('a\u{ff21}', 'a\u{1f600}')).toBeLessThan(0);
  });

  it('compareCodeUnits orders as plain string comparison does (sorted keys)', () => {
    expect(['\u{ff21}', '\u{1f600}', 'b', 'a', 'ab', 'a'].sort(compareCodeUnits)).toEqual(['a', 'a', 'ab', 'b', '\u{1f600}', '\u{ff21}']);
    expect(compareCodeUnits('x', 'x')).toBe(0);
  });

  it('is a consistent total order on real-looking labels', () => {
    const labels = ['T', 'Tbx5', 'tA(AGC)D', 'IMP2\'', 'ADE5,7', 'XB5796436 [provisional:mgst3]', 'Gm1043', 'Gm136', 'Gm2', 'RP11-66N11.5', 'snoU13'];
    const once = sorted(labels);
    expect(sorted([...once].reverse())).toEqual(once);
    for (let i = 1; i < once.length; i++) expect(compareLabels(once[i - 1]!, once[i]!)).toBeLessThan(0);
  });
});
