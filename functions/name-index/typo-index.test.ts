/**
 * The typo index against the rule, by brute force: for every name with the query's first
 * character, its optimal-string-alignment distance to the query (whole) and the least over its
 * prefixes, then each label once at its best, ranked (docs/design.md, "Typo fallback"). On the
 * human sample's names and thousands of random misspellings, limits and exclusions.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { KIND, type TypoObject } from '../../snapshot/format.ts';
import { packCounts, packInts } from '../../snapshot/packed.ts';
import { typoObjects } from '../../snapshot/refresh/chunks.ts';
import { buildSpeciesModel, type SpeciesModel } from '../../snapshot/refresh/species-model.ts';
import { refGrank, refIsSynonym, typoIndexOf, type TypoHit, type TypoIndex } from './typo-index.ts';
import { sampleSpecies } from '../../test/support/sample.ts';

const SPECIES = 'homo_sapiens';

async function humanModel(): Promise<SpeciesModel> {
  const { rows, core } = await sampleSpecies(SPECIES);
  return buildSpeciesModel(SPECIES, rows, core);
}

/**
 * Optimal string alignment distances of `key`'s prefixes to `q`: [least over prefixes, whole
 * key], or null once no longer prefix can come within `budget` (every distance in a row is over it).
 */
function distances(key: string, q: string, budget: number): [number, number] | null {
  const m = q.length;
  let [upup, up, row] = [new Int32Array(m + 1), Int32Array.from({ length: m + 1 }, (_, j) => j), new Int32Array(m + 1)];
  let least = up[m]!;
  for (let i = 1; i <= key.length; i++) {
    row[0] = i;
    let rowLeast = i;
    for (let j = 1; j <= m; j++) {
      let d = Math.min(up[j]! + 1, row[j - 1]! + 1, up[j - 1]! + (key[i - 1] === q[j - 1] ? 0 : 1));
      if (i >= 2 && j >= 2 && key[i - 1] === q[j - 2] && key[i - 2] === q[j - 1]) d = Math.min(d, upup[j - 2]! + 1);
      row[j] = d;
      rowLeast = Math.min(rowLeast, d);
    }
    // A transposition reaches back two rows: stop once both are over the budget.
    if (rowLeast > budget && Math.min(...up) > budget) return least <= budget ? [least, FAR] : null;
    [upup, up, row] = [up, row, upup];
    least = Math.min(least, up[m]!);
  }
  return least <= budget ? [least, up[m]!] : null;
}

const FAR = 99;

interface Name {
  key: string;
  refs: { synonym: boolean; grank: number }[];
}

interface Candidate {
  name: Name;
  least: number;
  whole: number;
}

/** Every name (of those with q's first character) within `budget` of q as a prefix. */
function candidates(names: readonly Name[], q: string, budget: number): Candidate[] {
  const out: Candidate[] = [];
  for (const name of names) {
    const d = distances(name.key, q, budget);
    if (d) out.push({ name, least: d[0], whole: d[1] });
  }
  return out;
}

const byLengthThenUnits = (x: string, y: string) => x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);

/** The rule: each label at its best (distance, whole before prefix, label before synonym, rank). */
function reference(found: readonly Candidate[], limit: number, excluded: ReadonlySet<number>) {
  const best = new Map<number, { score: number[]; key: string; synonym: boolean; distance: number; whole: boolean }>();
  for (const { name, least, whole } of [...found].sort((a, b) => byLengthThenUnits(a.name.key, b.name.key))) {
    for (const ref of name.refs) {
      if (excluded.has(ref.grank)) continue;
      const score = [least, whole === least ? 0 : 1, ref.synonym ? 1 : 0, ref.grank];
      const seen = best.get(ref.grank);
      // Of equally close names, the shortest, then the first in code-unit order (as sorted above).
      if (!seen || compare(score, seen.score) < 0) best.set(ref.grank, { score, key: name.key, synonym: ref.synonym, distance: least, whole: whole === least });
    }
  }
  return [...best.entries()]
    .sort((a, b) => compare(a[1].score, b[1].score))
    .slice(0, limit)
    .map(([grank, b]) => ({ key: b.key, grank, synonym: b.synonym, distance: b.distance, whole: b.whole }));
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

const shown = (index: TypoIndex, hits: TypoHit[]) =>
  hits.map((h) => ({ key: index.keyOf(h.key), grank: refGrank(h.ref), synonym: refIsSynonym(h.ref), distance: h.distance, whole: h.whole }));

let names: Name[];
let byFirst: Map<string, Name[]>;
let indexes: Map<string, TypoIndex>;
let objects: TypoObject[];

beforeAll(async () => {
  const model = await humanModel();
  const byKey = new Map<string, Name>();
  for (const e of model.entries) {
    if (e.kind === KIND.ID) continue;
    const name = byKey.get(e.key) ?? byKey.set(e.key, { key: e.key, refs: [] }).get(e.key)!;
    name.refs.push({ synonym: e.kind === KIND.SYNONYM, grank: e.grank });
  }
  names = [...byKey.values()];
  byFirst = new Map();
  for (const n of names) (byFirst.get(n.key[0]!) ?? byFirst.set(n.key[0]!, []).get(n.key[0]!)!).push(n);
  objects = typoObjects(model);
  indexes = new Map(objects.map((t) => [t.first, typoIndexOf(JSON.parse(JSON.stringify(t)), SPECIES, t.first)]));
}, 60_000);

describe('typo index', () => {
  it('gives every key back as it was packed', () => {
    const all = new Set(names.map((n) => n.key));
    for (const index of indexes.values()) {
      const step = Math.max(1, Math.floor(index.size / 50));
      for (let k = 0; k < index.size; k += step) expect(all.has(index.keyOf(k))).toBe(true);
    }
    // Keys are numbered shorter first, then in code-unit order.
    const b = indexes.get('b')!;
    const keys = Array.from({ length: b.size }, (_, k) => b.keyOf(k));
    expect(keys).toEqual(names.filter((n) => n.key[0] === 'b').map((n) => n.key).sort(byLengthThenUnits));
  });

  it('agrees with a brute-force scan on thousands of random misspellings, limits and exclusions', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T,>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const letters = 'abcdefghijklmnopqrstuvwxyz0123456789-';
    const edit = (s: string) => {
      const at = 1 + Math.floor(random() * (s.length - 1));
      const c = pick([...letters]);
      const kind = Math.floor(random() * 4);
      if (kind === 0) return s.slice(0, at) + c + s.slice(at + 1);
      if (kind === 1) return s.slice(0, at) + s.slice(at + 1);
      if (kind === 2) return s.slice(0, at) + c + s.slice(at);
      return at + 1 < s.length ? s.slice(0, at) + s[at + 1] + s[at] + s.slice(at + 2) : s;
    };
    const long = names.filter((n) => n.key.length >= 4);
    let checked = 0;
    let twoEditHits = 0;
    for (let i = 0; i < 1500; i++) {
      let q = pick(long).key;
      if (random() < 0.3) q = q.slice(0, 4 + Math.floor(random() * (q.length - 3)));
      const edits = 1 + Math.floor(random() * 3);
      for (let e = 0; e < edits; e++) q = edit(q);
      if (q.length < 4) continue;
      const budget = q.length < 8 ? 1 : 2;
      const limit = 1 + Math.floor(random() * 15);
      const found = candidates(byFirst.get(q[0]!) ?? [], q, budget);
      // Exclude what tiers 1-5 found, as the search does: every label with a name that starts
      // with the query (distance 0), and some others.
      const excluded = new Set(found.flatMap((c) => (c.least === 0 || random() < 0.05 ? c.name.refs.map((r) => r.grank) : [])));
      const index = indexes.get(q[0]!);
      const got = index ? shown(index, index.search(q, budget, limit, (g) => excluded.has(g))) : [];
      expect({ q, budget, limit, got }).toEqual({ q, budget, limit, got: reference(found, limit, excluded) });
      if (got.some((h) => h.distance === 2)) twoEditHits++;
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
    expect(twoEditHits).toBeGreaterThan(100);
  }, 120_000);

  it('rejects typo objects that are not a trie of their first character, with a reference list per name', () => {
    const b = objects.find((t) => t.first === 'b')!;
    const read = (patch: Partial<TypoObject>) => () => typoIndexOf({ ...b, ...patch }, SPECIES, 'b');
    expect(read({})).not.toThrow();
    // b -> {a, c}: names "ba" and "bc".
    const trie = { units: 'bac', fanout: packCounts([2, 0, 0]), ends: packCounts([0, 1, 1]), counts: packCounts([1, 1]), refs: packInts([2, 4]) };
    expect(read(trie)).not.toThrow();
    expect(read({ ...trie, units: 'bca' })).toThrow(/unit order/);
    expect(read({ ...trie, units: 'cac' })).toThrow(/start with "b"/);
    expect(read({ ...trie, ends: packCounts([0, 0, 1]) })).toThrow(/every leaf must end a name/);
    expect(read({ ...trie, ends: packCounts([0, 2, 1]) })).toThrow(/0 or 1/);
    expect(read({ ...trie, ends: packCounts([0, 1]) })).toThrow(/hold 3 counts/);
    expect(read({ ...trie, fanout: packCounts([1, 0, 0]) })).toThrow(/place all 3 nodes/);
    expect(read({ ...trie, fanout: packCounts([3, 0, 0]) })).toThrow(/place all 3 nodes/);
    expect(read({ ...trie, fanout: '/00' })).toThrow(/place all 3 nodes/); // a count below 0
    // b and a leaves, c the parent of both (itself included): numbers add up, the tree does not.
    expect(read({ ...trie, fanout: packCounts([0, 0, 2]), ends: packCounts([1, 1, 0]) })).toThrow(/place all 3 nodes/);
    expect(read({ ...trie, counts: '' })).toThrow(/counts must hold 2 names/);
    expect(read({ ...trie, counts: packCounts([1, 0]) })).toThrow(/every name must make a reference/);
    expect(read({ ...trie, counts: packCounts([1, 2]) })).toThrow(/refs must hold 3 references/);
    expect(read({ ...trie, refs: packInts([2]) })).toThrow(/refs must hold 2/);
    expect(read({ ...trie, refs: '2AAA' })).toThrow(/refs must hold 2 references/); // one and a half numbers
    expect(read({ ...trie, refs: '1C*' })).toThrow(/bad digit/);
    expect(read({ ...trie, units: 'bacd', fanout: packCounts([2, 0, 1, 0]), ends: packCounts([0, 1, 0, 1]) })).not.toThrow();
    expect(read({ first: 'c' })).toThrow(/holds/);
  });
});
