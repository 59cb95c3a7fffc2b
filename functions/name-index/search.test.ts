/**
 * The index against the rule, on real data: a brute-force reference written from the rule in
 * docs/design.md (independently of the builder) over the human sample with its core data,
 * and thousands of random prefixes of labels, synonyms and stable IDs. Also the reference
 * answers of expected_names.json and expected_public.json, and the typo cases.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fold } from '../../snapshot/fold.ts';
import { LONG_ANSWER_SPAN } from '../../snapshot/format.ts';
import { packInts } from '../../snapshot/packed.ts';
import { compareCodePoints, compareNatural } from '../../snapshot/natural.ts';
import { chunkJson, speciesChunks, typoObjects } from '../../snapshot/refresh/chunks.ts';
import { coveringChunks } from './covering.ts';
import type { SpeciesRow } from '../../snapshot/refresh/rows.ts';
import { buildSpeciesModel, type CoreData } from '../../snapshot/refresh/species-model.ts';
import { ChunkIndex } from './chunk-index.ts';
import { search, type SpeciesChunks } from './search.ts';
import { emptyTypoIndex, typoIndexOf } from './typo-index.ts';
import { sampleSpecies } from '../../test/support/sample.ts';

const SPECIES = 'homo_sapiens';

interface RefLabel {
  label: string;
  key: string;
  group: number;
  synonyms: string[];
  ids: string[];
  /** First characters of all its keys: a label whose keys all start elsewhere cannot match (a shortcut, not part of the rule). */
  firsts: string;
}

/** The rule's data: labels with the union of their genes' synonyms, their group and their IDs. */
async function referenceData(): Promise<{ labels: RefLabel[]; rows: SpeciesRow[]; core: CoreData }> {
  const { rows, core } = await sampleSpecies(SPECIES);
  const ids = new Map<string, Set<string>>();
  for (const { stableId, label } of rows) if (label?.trim()) (ids.get(label.trim()) ?? ids.set(label.trim(), new Set()).get(label.trim())!).add(stableId);
  const labels = [...ids].map(([label, set]) => {
    const genes = [...set].map((id) => core.get(id));
    const groups = genes.map((g) => g?.group ?? null);
    const group = groups.includes('coding') ? 0 : groups.every((g) => g === 'pseudogene') ? 2 : 1;
    const key = fold(label);
    const synonyms = [...new Set(genes.flatMap((g) => g?.synonyms ?? []).map((s) => fold(s.trim())))].filter((s) => s && s !== key);
    const folded = [...set].map(fold);
    return { label, key, group, synonyms, ids: folded, firsts: [key, ...synonyms, ...folded].map((k) => k[0]).join('') };
  });
  return { labels, rows, core };
}

/** The rule, by brute force: every label at its best tier, sorted, the first `limit`. */
function reference(labels: readonly RefLabel[], q: string, limit: number): { total: number; labels: string[] } {
  const fq = fold(q.trim());
  const fid = fq.replace(/\.\d+$/, '');
  const hits: { l: RefLabel; tier: number; id: string }[] = [];
  for (const l of labels) {
    if (!l.firsts.includes(fq[0]!)) continue;
    let tier = 0;
    let id = '';
    if (l.key === fq) tier = 1;
    else if (fq.length >= 3 && l.synonyms.includes(fq)) tier = 2;
    else if (l.key.startsWith(fq)) tier = 3;
    else if (l.synonyms.some((s) => s.startsWith(fq))) tier = 4;
    else if (fid.length >= 6) {
      const matching = l.ids.filter((i) => i.startsWith(fid)).sort(compareNatural);
      if (matching.length) [tier, id] = [5, matching[0]!];
    }
    if (tier) hits.push({ l, tier, id });
  }
  hits.sort(
    (a, b) =>
      a.tier - b.tier ||
      (a.tier === 5 ? compareNatural(a.id, b.id) : a.l.group - b.l.group || compareNatural(a.l.key, b.l.key)) ||
      compareCodePoints(a.l.label, b.l.label),
  );
  return { total: hits.length, labels: hits.slice(0, limit).map((h) => h.l.label) };
}

let data: Awaited<ReturnType<typeof referenceData>>;
let species: SpeciesChunks;
/** The prefixes that have a long answer (those of the answer objects). */
let longPrefixes: string[];

beforeAll(async () => {
  data = await referenceData();
  const model = buildSpeciesModel(SPECIES, data.rows, data.core);
  const made = speciesChunks(model);
  const built = { chunks: [...made.chunks], answers: [...made.answers] };
  // Through JSON, as the edge gets them.
  const through = <T,>(value: T): T => JSON.parse(JSON.stringify(value));
  const chunks = built.chunks.map(({ chunk }) => new ChunkIndex(through(chunk)));
  const answers = built.answers.map(({ chunk }) => new ChunkIndex(through(chunk)));
  const typos = new Map(typoObjects(model).map((t) => [t.first, typoIndexOf(through(t), SPECIES, t.first)]));
  expect(chunks.length).toBeGreaterThan(20);
  expect(answers.length).toBeGreaterThan(1);
  longPrefixes = built.answers.flatMap(({ chunk }) => chunk.answers.prefixes.split('\n'));
  species = {
    covering: (prefix) => coveringChunks(chunks.length, (i) => built.chunks[i]!.first, prefix),
    chunk: async (i) => chunks[i]!,
    answers: async (prefix) => {
      const at = built.answers.findLastIndex((a) => a.first <= prefix);
      return at < 0 ? null : answers[at]!;
    },
    typos: async (first) => typos.get(first) ?? emptyTypoIndex(),
  };
}, 60_000);

async function ranked(q: string, limit: number, view = species) {
  const page = await search(view, q, limit);
  return { total: page.total, labels: page.suggestions.filter((s) => s.match.kind !== 'typo').map((s) => s.label) };
}

/** The species as `species` has it, counting the chunks and answer objects a search asks for. */
function counting(): { view: SpeciesChunks; asked: { chunks: number[]; answerObjects: number } } {
  const asked = { chunks: [] as number[], answerObjects: 0 };
  const view: SpeciesChunks = {
    ...species,
    chunk: (i) => (asked.chunks.push(i), species.chunk(i)),
    answers: (prefix) => (asked.answerObjects++, species.answers(prefix)),
  };
  return { view, asked };
}

describe('search against the rule', () => {
  it('agrees with a brute-force scan on thousands of random prefixes of labels, synonyms and stable IDs', async () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T,>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const synonymOwners = data.labels.filter((l) => l.synonyms.length);
    let checked = 0;
    for (let i = 0; i < 2500; i++) {
      const l = pick(data.labels);
      const kind = random();
      let source = kind < 0.5 ? l.label : kind < 0.8 ? pick(pick(synonymOwners).synonyms) : pick(l.ids).toUpperCase();
      let q = source.slice(0, 1 + Math.floor(random() * Math.min(source.length, kind < 0.8 ? 7 : 18)));
      if (kind >= 0.8 && random() < 0.3) q = `${source}.${Math.floor(random() * 20)}`;
      if (random() < 0.4) q = q.toLowerCase();
      if (random() < 0.1) q = ` ${q} `;
      const limit = 1 + Math.floor(random() * 20);
      expect({ q, limit, ...(await ranked(q, limit)) }).toEqual({ q, limit, ...reference(data.labels, q, limit) });
      checked++;
      source = '';
    }
    expect(checked).toBe(2500);
  }, 120_000);

  for (const file of ['expected_names.json', 'expected_public.json']) {
    const cases = JSON.parse(readFileSync(new URL(`../../test/${file}`, import.meta.url), 'utf8'));
    it(`gives the reference answers of ${file} for human`, async () => {
      const human = cases.queries.filter((c: { species: string; expect_status: number }) => c.species === SPECIES && c.expect_status === 200);
      expect(human.length).toBeGreaterThan(10);
      for (const c of human) {
        const got = await ranked(c.q, c.limit);
        expect({ q: c.q, ...got }).toEqual({ q: c.q, total: c.total ?? c.total_matches, labels: c.expected });
      }
    });
  }

  it('puts the intended gene among the first suggestions for each typo case', async () => {
    const { typos } = JSON.parse(readFileSync(new URL('../../test/expected_names.json', import.meta.url), 'utf8'));
    expect(typos.length).toBeGreaterThan(5);
    for (const t of typos) {
      const page = await search(species, t.q, 10);
      expect(page.total, t.q).toBe(0);
      const top = page.suggestions.slice(0, t.top);
      expect(top.map((s) => s.label), t.q).toContain(t.intended);
      expect(top.every((s) => s.match.kind === 'typo')).toBe(true);
    }
  });

  it("answers a limit beyond a chunk's stored answer from one answer object, not from every chunk of the range", async () => {
    // Prefixes whose range spans chunks and who have more than a stored answer's 10 hits.
    expect(longPrefixes.length).toBeGreaterThan(50);
    expect(longPrefixes).toEqual(expect.arrayContaining(['s', 'ensg00000']));
    let whole = 0;
    for (const q of longPrefixes) {
      for (const limit of [11, 37, 100]) {
        const { view, asked } = counting();
        const want = reference(data.labels, q, limit);
        expect({ q, limit, ...(await ranked(q, limit, view)) }).toEqual({ q, limit, ...want });
        expect({ q, limit, answerObjects: asked.answerObjects }).toEqual({ q, limit, answerObjects: 1 });
        // With fewer matches than the limit, typo hits follow and load their own chunks.
        if (want.total >= limit) {
          expect({ q, limit, chunks: asked.chunks }).toEqual({ q, limit, chunks: [species.covering(q)[0]] });
          whole++;
        }
      }
    }
    expect(whole).toBeGreaterThan(100);
    // A range of two chunks has no long answer: the second chunk is read instead.
    const pairs = [...new Set(data.labels.flatMap((l) => [1, 2, 3].map((n) => l.key.slice(0, n))))].filter((q) => {
      const [from, to] = species.covering(q);
      return to - from === 2 && reference(data.labels, q, 12).total >= 12;
    });
    expect(pairs.length).toBeGreaterThan(5);
    for (const q of pairs) {
      const { view, asked } = counting();
      const page = await search(view, q, 12);
      expect({ q, labels: page.suggestions.map((s) => s.label) }).toEqual({ q, labels: reference(data.labels, q, 12).labels });
      expect({ q, chunks: asked.chunks.length, answerObjects: asked.answerObjects }).toEqual({ q, chunks: 2, answerObjects: 0 });
    }
  });

  it('answers a versioned partial ID from the stored answer of the ID prefix, not from every chunk of its range', async () => {
    // `ENSG00000.1` asks for the IDs starting with ensg00000: a range of dozens of chunks.
    const wide = ['ENSG00000.1', 'ensg0000014.17', 'ENSG000001.2', 'ENSG00000'];
    const [from, to] = species.covering('ensg00000');
    expect(to - from).toBeGreaterThan(LONG_ANSWER_SPAN);
    for (const q of wide) {
      for (const limit of [10, 100]) {
        const { view, asked } = counting();
        const want = reference(data.labels, q, limit);
        expect(want.total).toBeGreaterThan(limit);
        expect({ q, limit, ...(await ranked(q, limit, view)) }).toEqual({ q, limit, ...want });
        expect({ q, limit, chunks: asked.chunks.length, answerObjects: asked.answerObjects }).toEqual({ q, limit, chunks: 1, answerObjects: limit > 10 ? 1 : 0 });
      }
    }
    // Versions on every prefix of random IDs: the same answers as the rule.
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 100; i++) {
      const l = data.labels[Math.floor(random() * data.labels.length)]!;
      const id = l.ids[Math.floor(random() * l.ids.length)]!;
      const q = `${id.slice(0, 6 + Math.floor(random() * (id.length - 5)))}.${Math.floor(random() * 30)}`;
      expect({ q, ...(await ranked(q, 10)) }).toEqual({ q, ...reference(data.labels, q, 10) });
    }
  });

  it('loads the chunks of typo hits together, each once', async () => {
    // Chunks resolve only when the test says so: a search that awaited one before asking for
    // the next would stall with one load pending.
    const asked: number[] = [];
    const release: Array<() => void> = [];
    const gated: SpeciesChunks = {
      ...species,
      chunk: (i) => {
        asked.push(i);
        return new Promise((resolve) => release.push(() => resolve(species.chunk(i))));
      },
    };
    const page = search(gated, 'BRAC1', 10);
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
    await settle();
    release.splice(0).forEach((go) => go()); // the chunk of the ranked tiers
    await settle();
    const typoChunks = asked.slice(1);
    expect(typoChunks.length).toBeGreaterThan(1);
    expect(new Set(typoChunks).size).toBe(typoChunks.length);
    release.splice(0).forEach((go) => go());
    const { suggestions } = await page;
    expect(suggestions.filter((s) => s.match.kind === 'typo').length).toBeGreaterThanOrEqual(typoChunks.length);
  });
});

describe('chunk JSON', () => {
  it('rejects a chunk whose parts disagree', () => {
    const model = buildSpeciesModel('x', [{ stableId: 'E1', label: 'A', location: null }], null);
    const chunk = chunkJson(model, model.entries);
    const read = (patch: object) => () => ChunkIndex.fromJson('x', new TextEncoder().encode(JSON.stringify({ ...chunk, ...patch })));
    expect(read({})).not.toThrow();
    expect(read({ owners: packInts([0, 5]) })).toThrow(/owners: packed number 1 is 5, not below 1/);
    expect(read({ owners: packInts([0]) })).toThrow(/owners: packed numbers do not hold 2/);
    expect(read({ owners: [0] })).toThrow(/owners must be a string/);
    expect(read({ answers: { prefixes: 'a', hits: packInts([1, 1, 0, 9]), texts: '' } })).toThrow(/answer 0 is malformed/);
    expect(read({ payload: 'A\tE1\t\nB\tE2\t' })).toThrow(/more than 1/);
    expect(read({ payload: 'A\tE1' })).toThrow(/payload must hold/);
    expect(read({ payload: 'A\tE1\t1:5-9\tx' })).toThrow(/payload must hold/);
    expect(read({ payload: 'A\tE1\t1:5-9' })).not.toThrow();
    expect(() => ChunkIndex.fromJson('y', new TextEncoder().encode(JSON.stringify(chunk)))).toThrow(/holds x/);
  });
});
