import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fold } from '../../snapshot/fold.ts';
import { compareLabels, sortLabels } from '../../snapshot/natural.ts';
import { PrefixIndex } from './prefix-index.ts';

/** The reference: filter every label, sort by the ranking order. */
function bruteForce(labels: readonly string[], query: string, limit: number) {
  const p = fold(query.trim());
  const matches = labels.filter((l) => fold(l).startsWith(p)).sort(compareLabels);
  return { total: matches.length, labels: matches.slice(0, limit) };
}

function speciesLabels(species: string): string[] {
  const tsv = gunzipSync(readFileSync(new URL('../../data/public.tsv.gz', import.meta.url))).toString('utf8');
  const labels = new Set<string>();
  for (const line of tsv.split('\n')) {
    const [sp, , label] = line.split('\t');
    if (sp === species && label) labels.add(label);
  }
  return sortLabels([...labels]);
}

describe('PrefixIndex', () => {
  const small = new PrefixIndex(sortLabels(['F10', 'F2', 'F3', 'f5', 'HOXA10', 'HOXA9', 'HOXA1', 'CNIH2', 'cnih2', 'T', 'Tbx5', 'Gm2', 'Gm136', 'Gm1043', 'Gm1']));
  const find = (q: string, limit = 10) => small.search(q, limit).positions.map((i) => small.labels[i]);

  it('ranks digit runs by value', () => {
    expect(find('f')).toEqual(['F2', 'F3', 'f5', 'F10']);
    expect(find('hoxa')).toEqual(['HOXA1', 'HOXA9', 'HOXA10']);
  });

  it('puts the exact match first, upper case before lower case', () => {
    expect(find('cnih2')).toEqual(['CNIH2', 'cnih2']);
    expect(find('t')).toEqual(['T', 'Tbx5']);
  });

  it('finds scattered matches of a digit-ending prefix in ranking order', () => {
    expect(find('gm1')).toEqual(['Gm1', 'Gm136', 'Gm1043']);
    expect(small.search('gm1', 2).total).toBe(3);
    expect(find('gm1', 2)).toEqual(['Gm1', 'Gm136']);
  });

  it('answers nothing for no match, a blank query or a zero limit', () => {
    expect(small.search('zz', 10)).toEqual({ total: 0, positions: [] });
    expect(small.search('   ', 10).total).toBe(0);
    expect(small.search('F', 0).positions).toEqual([]);
  });

  it('agrees with a brute-force scan on thousands of real human prefixes', () => {
    const labels = speciesLabels('homo_sapiens');
    const index = new PrefixIndex(labels);
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const label = labels[Math.floor(random() * labels.length)]!;
      const len = 1 + Math.floor(random() * Math.min(6, label.length));
      let q = label.slice(0, len);
      if (random() < 0.5) q = q.toLowerCase();
      const limit = 1 + Math.floor(random() * 20);
      const expected = bruteForce(labels, q, limit);
      const got = index.search(q, limit);
      expect({ q, total: got.total, labels: got.positions.map((p) => labels[p]) }).toEqual({ q, ...expected });
      checked++;
    }
    expect(checked).toBe(3000);
  });
});
