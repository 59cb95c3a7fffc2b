/**
 * A species model → the objects the edge loads (snapshot/format.ts): chunks of at most about
 * CHUNK_BYTES of JSON, cut where neighbouring keys share the shortest prefix; the precomputed
 * answers of prefixes whose runs are too long to scan per query or cross a cut; the answer
 * objects, with the long answers of the prefixes whose runs span several chunks; and the typo
 * objects, one per first character.
 */
import { ChunkIndex } from '../../functions/name-index/chunk-index.ts';
import { coveringChunks } from '../../functions/name-index/covering.ts';
import { parseQuery, rangePrefix } from '../../functions/name-index/query.ts';
import { FORMAT_VERSION, KIND, LONG_ANSWER_HITS, LONG_ANSWER_SPAN, type Chunk, type TypoObject } from '../format.ts';
import { pack, packCounts, packFrontCoded, packInts } from '../packed.ts';
import type { Entry, SpeciesModel } from './species-model.ts';
import { compareCodeUnits } from '../natural.ts';

/**
 * A chunk's JSON is cut at about this size: a cold query decodes its species' root and one
 * chunk, and xz decodes ~30 MB/s in workerd (docs/benchmarks.md, cold start). Smaller chunks
 * make a longer root and more precomputed answers; this balances the two.
 */
export const CHUNK_BYTES = 48 * 1024;
/** Runs longer than this get a precomputed answer: scanning them per query would cost more. */
export const BROAD_RUN = 16;
/** Hits a precomputed answer holds: DEFAULT_LIMIT's default; larger limits scan. */
export const ANSWER_HITS = 10;

export interface Answer {
  total: number;
  hits: { grank: number; tier: number; text: string }[];
}

/** The chunk JSON of `entries` (a key range of the model), its label table holding every label they or `answers` name. */
export function chunkJson(model: SpeciesModel, entries: readonly Entry[], answers: ReadonlyMap<string, Answer> = new Map()): Chunk {
  const granks = new Set<number>();
  for (const e of entries) granks.add(e.grank);
  for (const answer of answers.values()) for (const hit of answer.hits) granks.add(hit.grank);
  const table = [...granks].sort((a, b) => a - b);
  const owner = new Map(table.map((g, i) => [g, i]));
  const biotypeNames = [...new Set(table.map((g) => model.labels[g]!.biotype).filter((b): b is string => b !== null))].sort();
  const biotypeIndex = new Map(biotypeNames.map((b, i) => [b, i]));
  const labels = table.map((g) => model.labels[g]!);
  const prefixes = [...answers.keys()].sort(compareCodeUnits);
  const chunk: Chunk = {
    format: FORMAT_VERSION,
    species: model.species,
    keys: packFrontCoded(entries.map((e) => e.key)),
    kinds: entries.map((e) => e.kind).join(''),
    owners: packInts(entries.map((e) => owner.get(e.grank)!)),
    synonyms: pack(entries.filter((e) => e.kind === KIND.SYNONYM).map((e) => e.text)),
    id_ranks: packInts(entries.filter((e) => e.kind === KIND.ID).map((e) => e.idRank)),
    payload: pack(labels.map((l) => `${l.label}\t${l.stableIds.join(' ')}\t${l.locations.join(' ')}`)),
    granks: packInts(table),
    biotypes: packInts(labels.map((l) => (l.biotype === null ? 0 : biotypeIndex.get(l.biotype)! + 1))),
    biotype_names: biotypeNames,
    answers: {
      prefixes: pack(prefixes),
      hits: packInts(prefixes.flatMap((p) => { const a = answers.get(p)!; return [a.total, a.hits.length, ...a.hits.flatMap((h) => [owner.get(h.grank)!, h.tier])]; })),
      texts: pack(prefixes.flatMap((p) => answers.get(p)!.hits.map((h) => h.text))),
    },
  };
  return chunk;
}

/** Prefixes of the model's keys whose run holds more than `limit` entries, shortest first. */
export function broadPrefixes(entries: readonly Entry[], limit = BROAD_RUN): string[] {
  const out: string[] = [];
  let groups: [number, number][] = [[0, entries.length]];
  for (let depth = 1; groups.length > 0; depth++) {
    const next: [number, number][] = [];
    for (const [from, to] of groups) {
      let i = from;
      while (i < to && entries[i]!.key.length < depth) i++;
      while (i < to) {
        const unit = entries[i]!.key.charCodeAt(depth - 1);
        let j = i + 1;
        while (j < to && entries[j]!.key.charCodeAt(depth - 1) === unit) j++;
        if (j - i > limit) {
          out.push(entries[i]!.key.slice(0, depth));
          next.push([i, j]);
        }
        i = j;
      }
    }
    groups = next;
  }
  return out;
}

/** The whole species as one index, to compute answers over every chunk at once. */
export function fullIndex(model: SpeciesModel): ChunkIndex {
  return new ChunkIndex(chunkJson(model, model.entries));
}

/** The answer to `prefix` as a query, from the whole species, of at most `limit` hits. */
export function answerOf(full: ChunkIndex, prefix: string, limit = ANSWER_HITS): Answer {
  const { total, hits } = full.rank(parseQuery(prefix), limit);
  return { total, hits: hits.map((h) => ({ grank: full.granks[h.owner]!, tier: h.tier, text: full.matchText(h) })) };
}

/** Entries in the key range a prefix query reads (its run by rangePrefix). */
export function runLength(full: ChunkIndex, prefix: string): number {
  const [from, to] = full.run(rangePrefix(parseQuery(prefix)));
  return to - from;
}

function lcp(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** What a label adds to a chunk's JSON, about: its payload and numbers. */
function labelBytes(model: SpeciesModel, grank: number): number {
  const l = model.labels[grank]!;
  let bytes = l.label.length + 8;
  for (const id of l.stableIds) bytes += id.length + 1;
  for (const loc of l.locations) bytes += loc.length + 1;
  return bytes;
}

/** What an entry adds to its chunk's JSON, about: its key and numbers, and its label's payload unless the chunk names the label already. */
function entryBytes(model: SpeciesModel, e: Entry, named: ReadonlySet<number>): number {
  const bytes = e.key.length + 6 + (e.kind === KIND.SYNONYM ? e.text.length + 1 : e.kind === KIND.ID ? 3 : 0);
  return named.has(e.grank) ? bytes : bytes + labelBytes(model, e.grank);
}

/**
 * Where to cut sorted entries into chunks: [0, c1, …, n]. Each chunk's JSON is at most about
 * `maxBytes` and at least half that (but for the last, and for runs of one key, which stay
 * whole), cut between the two neighbours there that share the shortest prefix, so that few
 * prefixes straddle a cut.
 */
export function cutPoints(model: SpeciesModel, entries: readonly Entry[] = model.entries, maxBytes = CHUNK_BYTES): number[] {
  const cuts = [0];
  let start = 0;
  for (;;) {
    // The furthest entry that fits, and the first of the second half.
    const named = new Set<number>();
    let bytes = 0;
    let half = -1;
    let end = start;
    for (; end < entries.length; end++) {
      const e = entries[end]!;
      const more = entryBytes(model, e, named);
      if (end > start && bytes + more > maxBytes) break;
      bytes += more;
      named.add(e.grank);
      if (half < 0 && bytes > maxBytes / 2) half = end;
    }
    if (end === entries.length) break;
    let best = -1;
    let bestShared = Number.POSITIVE_INFINITY;
    for (let i = end; i >= Math.max(start + 1, half); i--) {
      const a = entries[i - 1]!.key;
      const b = entries[i]!.key;
      if (a === b) continue;
      const shared = lcp(a, b);
      if (shared < bestShared) [best, bestShared] = [i, shared];
    }
    if (best < 0) {
      // One key's entries fill the chunk: they stay together.
      best = end;
      while (best < entries.length && entries[best]!.key === entries[best - 1]!.key) best++;
      if (best === entries.length) break;
    }
    cuts.push(best);
    start = best;
  }
  cuts.push(entries.length);
  return cuts;
}

/** The separator before entry `at`: the shortest prefix of its key that sorts after the key before. */
function separator(entries: readonly Entry[], at: number): string {
  const key = entries[at]!.key;
  return key.slice(0, lcp(entries[at - 1]!.key, key) + 1);
}

/** Prefixes whose runs cross the cut before `at`: the prefixes its two neighbours share. */
function straddling(entries: readonly Entry[], at: number): string[] {
  const key = entries[at]!.key;
  const shared = lcp(entries[at - 1]!.key, key);
  return Array.from({ length: shared }, (_, i) => key.slice(0, i + 1));
}

/** An object with the first key or prefix it holds. */
export interface Listed {
  first: string;
  chunk: Chunk;
}

/**
 * The species' chunks in key order, each with its separator ('' for the first), and its answer
 * objects in prefix order, each with its first prefix. Both are made as they are taken, one at
 * a time: a large species' objects are never all in memory at once.
 *
 * A prefix whose range spans chunks has its answer of ANSWER_HITS hits in the first of them,
 * and, if it has more and spans LONG_ANSWER_SPAN chunks or more, its long answer of
 * LONG_ANSWER_HITS in an answer object: a larger limit then reads one object more rather than
 * every chunk of the range (`s`: 10 for human, `ensg00000`: 87).
 */
export function speciesChunks(model: SpeciesModel, maxBytes = CHUNK_BYTES): { chunks: Iterable<Listed>; answers: Iterable<Listed> } {
  const { entries } = model;
  const cuts = cutPoints(model, entries, maxBytes);
  const firsts = cuts.slice(0, -1).map((at, i) => (i === 0 ? '' : separator(entries, at)));
  const { stored, long } = precomputedAnswers(model, cuts, firsts);
  function* chunks(): Generator<Listed> {
    for (let i = 0; i < firsts.length; i++) yield { first: firsts[i]!, chunk: chunkJson(model, entries.slice(cuts[i], cuts[i + 1]), stored[i]) };
  }
  return { chunks: chunks(), answers: answerObjects(model, long, maxBytes) };
}

/**
 * The answers stored in each chunk, and the long answers, computed over the whole species at
 * once; that index is let go when this returns, before any object is made.
 */
function precomputedAnswers(model: SpeciesModel, cuts: readonly number[], firsts: readonly string[]): { stored: Map<string, Answer>[]; long: Map<string, Answer> } {
  const { entries } = model;
  const full = fullIndex(model);
  const stored = firsts.map(() => new Map<string, Answer>());
  const prefixes = new Set(broadPrefixes(entries));
  for (const at of cuts.slice(1, -1)) for (const prefix of straddling(entries, at)) prefixes.add(prefix);
  const long = new Map<string, Answer>();
  for (const prefix of prefixes) {
    // Stored where a reader looks: the first chunk of the range the query reads.
    const [home, end] = coveringChunks(firsts.length, (i) => firsts[i]!, rangePrefix(parseQuery(prefix)));
    // Ranked once: a stored answer is the first ANSWER_HITS hits of the long one.
    const spans = end - home >= LONG_ANSWER_SPAN;
    const answer = answerOf(full, prefix, spans ? LONG_ANSWER_HITS : ANSWER_HITS);
    stored[home]!.set(prefix, { total: answer.total, hits: answer.hits.slice(0, ANSWER_HITS) });
    if (spans && answer.total > ANSWER_HITS) long.set(prefix, answer);
  }
  return { stored, long };
}

/** Long answers in prefix order, cut into keyless chunks of about `maxBytes` of JSON each. */
function* answerObjects(model: SpeciesModel, long: ReadonlyMap<string, Answer>, maxBytes: number): Generator<Listed> {
  let group = new Map<string, Answer>();
  const named = new Set<number>();
  let bytes = 0;
  // What an answer adds to the group: its prefix, its hits, and the labels not yet named.
  const cost = (prefix: string, answer: Answer) => {
    let more = prefix.length + 4;
    const counted = new Set<number>();
    for (const hit of answer.hits) {
      more += hit.text.length + 8;
      if (named.has(hit.grank) || counted.has(hit.grank)) continue;
      counted.add(hit.grank);
      more += labelBytes(model, hit.grank);
    }
    return more;
  };
  for (const prefix of [...long.keys()].sort(compareCodeUnits)) {
    const answer = long.get(prefix)!;
    let more = cost(prefix, answer);
    if (group.size > 0 && bytes + more > maxBytes) {
      yield { first: group.keys().next().value!, chunk: chunkJson(model, [], group) };
      group = new Map();
      named.clear();
      bytes = 0;
      more = cost(prefix, answer);
    }
    group.set(prefix, answer);
    for (const hit of answer.hits) named.add(hit.grank);
    bytes += more;
  }
  if (group.size > 0) yield { first: group.keys().next().value!, chunk: chunkJson(model, [], group) };
}

/** The typo objects: the names (labels, synonyms) of each first character. */
export function typoObjects(model: SpeciesModel): TypoObject[] {
  const byFirst = new Map<string, Entry[]>();
  for (const e of model.entries) {
    if (e.kind === KIND.ID) continue;
    const first = e.key[0]!;
    (byFirst.get(first) ?? byFirst.set(first, []).get(first)!).push(e);
  }
  return [...byFirst].map(([first, names]) => {
    // The trie of the names: they come sorted, so children are made in unit order.
    interface Node {
      unit: number;
      children: Node[];
      refs: number[] | null;
    }
    const root: Node = { unit: first.charCodeAt(0), children: [], refs: null };
    for (const e of names) {
      let node = root;
      for (let i = 1; i < e.key.length; i++) {
        const unit = e.key.charCodeAt(i);
        let child = node.children[node.children.length - 1];
        if (child?.unit !== unit) node.children.push((child = { unit, children: [], refs: null }));
        node = child;
      }
      // Entries come sorted by key, then label before synonym, then rank: the order refs keep.
      (node.refs ??= []).push(e.grank * 2 + (e.kind === KIND.SYNONYM ? 1 : 0));
    }
    const level: Node[] = [root];
    for (let i = 0; i < level.length; i++) level.push(...level[i]!.children);
    // Names are numbered in the order of the nodes that end them (shorter first, then code-unit order).
    const refs = level.flatMap((node) => (node.refs ? [node.refs] : []));
    return {
      format: FORMAT_VERSION,
      species: model.species,
      first,
      units: level.map((n) => String.fromCharCode(n.unit)).join(''),
      fanout: packCounts(level.map((n) => n.children.length)),
      ends: packCounts(level.map((n) => (n.refs ? 1 : 0))),
      counts: packCounts(refs.map((list) => list.length)),
      refs: packInts(refs.flat()),
    };
  });
}
