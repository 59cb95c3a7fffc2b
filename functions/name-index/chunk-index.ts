/**
 * One chunk of a species' name index in memory (the JSON is snapshot/format.ts `Chunk`): its
 * sorted keys, what each key names, and the label table. Pure data structure: no I/O.
 *
 * A query's eligible keys are one run of the sorted keys (every eligible key starts with
 * rangePrefix(query)). A run is either scanned, or, when the builder found it too long to scan
 * per query, answered from the chunk's precomputed answers.
 */
import { fold } from '../../snapshot/fold.ts';
import { assertChunk, FormatError, KIND, type Chunk } from '../../snapshot/format.ts';
import { indexTable, PackedStrings, packedLength, unpackFrontCoded, unpackInts, type IndexTable } from '../../snapshot/packed.ts';
import { bisectHeads, headHoldsAll, headOf } from './head.ts';
import { EXACT_SYNONYM_MIN, isVersioned, rangePrefix, TIER, type ParsedQuery, type Tier } from './query.ts';

/** Scores order hits: tier first, then the rank within the tier. Ranks are below 2^26. */
const TIER_SCALE = 2 ** 26;
export const score = (tier: number, rank: number) => tier * TIER_SCALE + rank;
const tierOf = (s: number) => Math.floor(s / TIER_SCALE) as Tier;

/** Keys per sampled head. */
const HEAD_EVERY = 8;

/** Ranks (labels', stable IDs') are below this. */
const RANK_LIMIT = 2 ** 26;

const LABEL = KIND.LABEL.charCodeAt(0);
const SYNONYM = KIND.SYNONYM.charCodeAt(0);
const ID = KIND.ID.charCodeAt(0);

/** unpackInts, its errors naming the field. */
function ints(field: string, text: string, count: number, max: number): IndexTable {
  try {
    return unpackInts(text, count, max);
  } catch (error) {
    throw new Error(`${field}: ${(error as Error).message}`);
  }
}

// The checks below search with indexOf rather than loop over units: a cold isolate runs them
// interpreted, where a native search per row costs far less than a step per character.

/** Whether every line of a packed list holds exactly two tabs. */
function everyRowHasTwoTabs(text: string): boolean {
  if (text === '') return true;
  for (let at = 0; ; ) {
    const newline = text.indexOf('\n', at);
    const end = newline < 0 ? text.length : newline;
    const first = text.indexOf('\t', at);
    const second = first < 0 || first > end ? -1 : text.indexOf('\t', first + 1);
    if (second < 0 || second > end) return false;
    const third = text.indexOf('\t', second + 1);
    if (third >= 0 && third < end) return false;
    if (newline < 0) return true;
    at = newline + 1;
  }
}

/** How many times `char` occurs in `text`. */
function countOf(text: string, char: string): number {
  let n = 0;
  for (let at = text.indexOf(char); at >= 0; at = text.indexOf(char, at + 1)) n++;
  return n;
}

/** A label that matched, in a chunk that holds its payload. */
export interface Hit {
  chunk: ChunkIndex;
  /** Index in the chunk's label table. */
  owner: number;
  tier: Tier;
  /**
   * What matched: the entry (>= 0), or, for a hit of a precomputed answer, -1 - the index of
   * its text among the chunk's answer texts. Either is read only when the hit is shown.
   */
  entry: number;
}

export interface Ranked {
  /** Labels matching in tiers 1-5 in all. */
  total: number;
  hits: Hit[];
}

/** The labels of one chunk that a query matches: each once, with its best score and entry. */
export interface Candidates {
  chunk: ChunkIndex;
  owners: number[];
  scores: number[];
  entries: number[];
}

/**
 * Deduplication by owner for the scan under way: a label is seen iff stamp[owner] is the
 * scan's epoch. Shared by all chunks: a scan never yields, so two never interleave.
 */
const scratch = { stamp: new Uint32Array(0), best: new Int32Array(0), bestEntry: new Int32Array(0), touched: new Int32Array(0), epoch: 0 };

function growScratch(size: number): void {
  scratch.stamp = new Uint32Array(size);
  scratch.best = new Int32Array(size);
  scratch.bestEntry = new Int32Array(size);
  scratch.touched = new Int32Array(size);
}

export class ChunkIndex {
  readonly species: string;
  readonly keys: PackedStrings;
  private readonly kinds: string;
  private readonly owners: IndexTable;
  /** Per entry: its synonym's index in `synonyms` or its rank among stable IDs (by kind); 0 for a label. */
  private readonly extra: IndexTable;
  private readonly synonyms: PackedStrings;
  /** Per label: the label, its stable IDs joined by ' ', their locations likewise, tab-separated. */
  private readonly payload: PackedStrings;
  readonly granks: IndexTable;
  /** Per label, 1 + its index in biotypeNames, 0 where unknown. */
  private readonly biotypes: IndexTable;
  private readonly biotypeNames: readonly string[];
  /** Every HEAD_EVERY-th key's head (headOf): bisected as numbers before the keys themselves. */
  private readonly heads: Uint32Array;
  /** Precomputed answers: prefixes (sorted), where each one's numbers start in answerHits, and their texts. */
  private readonly answerPrefixes: PackedStrings;
  /** headOf each answer prefix: most of an answer lookup compares numbers. */
  private readonly answerHeads: Uint32Array;
  private readonly answerAt: IndexTable;
  /** Where each answer's texts start in answerTexts. */
  private readonly answerTextAt: IndexTable;
  private readonly answerHits: IndexTable;
  private readonly answerTexts: PackedStrings;
  /** Estimated heap bytes, for the memory budget. */
  readonly bytes: number;

  constructor(chunk: Chunk) {
    this.species = chunk.species;
    const kinds = chunk.kinds;
    this.kinds = kinds;
    const n = kinds.length;
    const synonyms = countOf(kinds, KIND.SYNONYM);
    try {
      this.granks = ints('granks', chunk.granks, packedLength(chunk.granks), RANK_LIMIT);
      const m = this.granks.length;
      this.keys = new PackedStrings(unpackFrontCoded(chunk.keys, n), n);
      this.heads = new Uint32Array(Math.ceil(n / HEAD_EVERY));
      for (let k = 0; k < this.heads.length; k++) this.heads[k] = headOf(this.keys.get(k * HEAD_EVERY));
      this.owners = ints('owners', chunk.owners, n, m);
      this.synonyms = new PackedStrings(chunk.synonyms, synonyms);
      const idRanks = ints('id_ranks', chunk.id_ranks, n - synonyms - countOf(kinds, KIND.LABEL), RANK_LIMIT);
      this.payload = new PackedStrings(chunk.payload, m);
      if (!everyRowHasTwoTabs(chunk.payload)) throw new Error('payload must hold a label, stable IDs and locations per label');
      this.biotypes = ints('biotypes', chunk.biotypes, m, chunk.biotype_names.length + 1);
      let maxRank = 0;
      for (let i = 0; i < idRanks.length; i++) if (idRanks[i]! > maxRank) maxRank = idRanks[i]!;
      this.extra = indexTable(n, Math.max(synonyms, maxRank));
      for (let i = 0, synonym = 0, id = 0; i < n; i++) {
        const kind = kinds.charCodeAt(i);
        this.extra[i] = kind === SYNONYM ? synonym++ : kind === ID ? idRanks[id++]! : 0;
      }
      const { prefixes, hits, texts } = chunk.answers;
      this.answerPrefixes = new PackedStrings(prefixes, prefixes === '' ? 0 : countOf(prefixes, '\n') + 1);
      const answers = this.answerPrefixes.length;
      this.answerHits = ints('answers', hits, packedLength(hits), RANK_LIMIT);
      // Each answer: total, hit count, then (owner, tier) per hit.
      this.answerAt = indexTable(answers + 1, this.answerHits.length);
      this.answerTextAt = indexTable(answers + 1, this.answerHits.length);
      this.answerHeads = new Uint32Array(answers);
      let at = 0;
      let texts_ = 0;
      let previous = '';
      for (let a = 0; a < answers; a++) {
        this.answerAt[a] = at;
        this.answerTextAt[a] = texts_;
        const count = this.answerHits[at + 1];
        if (count === undefined || at + 2 + 2 * count > this.answerHits.length) throw new Error(`answer ${a} is cut short`);
        for (let h = 0; h < count; h++) {
          const owner = this.answerHits[at + 2 + 2 * h]!;
          const tier = this.answerHits[at + 3 + 2 * h]!;
          if (owner >= m || tier < TIER.EXACT_LABEL || tier > TIER.STABLE_ID) throw new Error(`answer ${a} is malformed`);
        }
        at += 2 + 2 * count;
        texts_ += count;
        const prefix = this.answerPrefixes.get(a);
        if (prefix <= previous) throw new Error('answer prefixes must ascend');
        this.answerHeads[a] = headOf(prefix);
        previous = prefix;
      }
      this.answerAt[answers] = at;
      this.answerTextAt[answers] = texts_;
      if (at !== this.answerHits.length) throw new Error('answers hold more numbers than their hits');
      this.answerTexts = new PackedStrings(texts, texts_);
    } catch (error) {
      throw new FormatError(`chunk of ${chunk.species}: ${(error as Error).message}`);
    }
    this.biotypeNames = chunk.biotype_names;
    this.bytes =
      this.keys.byteLength +
      this.synonyms.byteLength +
      this.payload.byteLength +
      this.answerPrefixes.byteLength +
      this.answerTexts.byteLength +
      this.owners.byteLength +
      this.extra.byteLength +
      this.granks.byteLength +
      this.biotypes.byteLength +
      this.answerAt.byteLength +
      this.answerTextAt.byteLength +
      this.heads.byteLength +
      this.answerHeads.byteLength +
      this.answerHits.byteLength +
      n;
  }

  /** Parses and validates decompressed chunk JSON. */
  static fromJson(species: string, json: Uint8Array): ChunkIndex {
    const value: unknown = JSON.parse(new TextDecoder().decode(json));
    assertChunk(value, species);
    return new ChunkIndex(value);
  }

  get size(): number {
    return this.kinds.length;
  }

  /** First entry whose key is >= `prefix`, and the first after those that start with it. */
  run(prefix: string): [number, number] {
    const from = this.lowerBound(prefix);
    // Runs that are scanned are short: step from the start, then bisect what is left.
    let to = from;
    while (to < this.size && to - from < 8 && this.keys.comparePrefix(to, prefix) === 0) to++;
    if (to - from < 8) return [from, to];
    let hi = this.size;
    while (to < hi) {
      const mid = (to + hi) >>> 1;
      if (this.keys.comparePrefix(mid, prefix) === 0) to = mid + 1;
      else hi = mid;
    }
    return [from, to];
  }

  /** The first entry whose key is >= prefix (compared over the prefix's length). */
  private lowerBound(prefix: string): number {
    // Sampled keys whose heads are below the prefix's come before it, those above not.
    const { heads, keys } = this;
    const head = headOf(prefix);
    const below = bisectHeads(heads, head, false);
    // Few samples share a prefix's head but for the shortest prefixes: walk, then bisect.
    let above = below;
    while (above < heads.length && above - below < 4 && heads[above] === head) above++;
    if (above - below === 4) above = bisectHeads(heads, head, true, above);
    let lo = below > 0 ? (below - 1) * HEAD_EVERY + 1 : 0;
    let hi = above < heads.length ? above * HEAD_EVERY : this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys.comparePrefix(mid, prefix) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The precomputed answer for `fq`, if the builder made one and it holds `limit` hits. */
  answer(fq: string, limit: number): Ranked | null {
    const lo = this.answerIndex(fq);
    if (lo < 0) return null;
    const numbers = this.answerHits;
    const first = this.answerAt[lo]!;
    const total = numbers[first]!;
    const stored = numbers[first + 1]!;
    if (stored < limit && stored < total) return null;
    const text = this.answerTextAt[lo]!;
    const count = stored < limit ? stored : limit;
    const hits: Hit[] = new Array(count);
    for (let h = 0; h < count; h++) {
      hits[h] = { chunk: this, owner: numbers[first + 2 + 2 * h]!, tier: numbers[first + 3 + 2 * h]! as Tier, entry: -1 - (text + h) };
    }
    return { total, hits };
  }

  /** Whether this chunk holds an answer to `fq` (of however many hits). */
  holdsAnswer(fq: string): boolean {
    return this.answerIndex(fq) >= 0;
  }

  /** The index of fq's precomputed answer, or -1. */
  private answerIndex(fq: string): number {
    // Bisected among the answers' own prefixes (a few dozen per chunk, not its keys) by their
    // heads; strings decide only among prefixes that share fq's head.
    const { answerPrefixes: prefixes, answerHeads: heads } = this;
    const head = headOf(fq);
    let lo = bisectHeads(heads, head, false);
    // Most answered prefixes are that short: their text is not read at all.
    if (headHoldsAll(fq)) return lo < heads.length && heads[lo] === head ? lo : -1;
    let order = 1;
    while (lo < heads.length && heads[lo] === head && (order = prefixes.compare(lo, fq)) < 0) lo++;
    return order === 0 ? lo : -1;
  }

  /**
   * Scans the query's run: every label of this chunk it matches in tiers 1-5, each once at its
   * best score, left in the scratch (touched[0..n), best, bestEntry by owner). Returns n.
   */
  private scan(query: ParsedQuery): number {
    const { fq, fid } = query;
    const prefix = rangePrefix(query);
    const keys = this.keys;
    if (scratch.stamp.length < this.granks.length) growScratch(this.granks.length);
    const { stamp, best, bestEntry, touched } = scratch;
    const epoch = ++scratch.epoch;
    let n = 0;
    // A versioned ID ("…510.17") reads fid's run: names in it must still start with fq.
    const checkNames = isVersioned(query);
    const exactSynonyms = fq.length >= EXACT_SYNONYM_MIN;
    const [from, to] = this.run(prefix);
    const { kinds, owners, extra, granks } = this;
    for (let i = from; i < to; i++) {
      const kind = kinds.charCodeAt(i);
      const owner = owners[i]!;
      let s: number;
      if (kind === ID) {
        if (fid === null) continue;
        s = score(TIER.STABLE_ID, extra[i]!);
      } else {
        if (checkNames && !keys.startsWith(i, fq)) continue;
        const exact = keys.lengthOf(i) === fq.length;
        const tier = kind === LABEL ? (exact ? TIER.EXACT_LABEL : TIER.LABEL_PREFIX) : exact && exactSynonyms ? TIER.EXACT_SYNONYM : TIER.SYNONYM_PREFIX;
        s = score(tier, granks[owner]!);
      }
      if (stamp[owner] !== epoch) {
        stamp[owner] = epoch;
        best[owner] = s;
        bestEntry[owner] = i;
        touched[n++] = owner;
      } else if (s < best[owner]!) {
        best[owner] = s;
        bestEntry[owner] = i;
      }
    }
    return n;
  }

  /** Every label of this chunk the query matches in tiers 1-5, each once at its best score. */
  candidates(query: ParsedQuery): Candidates {
    const n = this.scan(query);
    const { best, bestEntry, touched } = scratch;
    const out: Candidates = { chunk: this, owners: new Array(n), scores: new Array(n), entries: new Array(n) };
    for (let k = 0; k < n; k++) {
      const owner = touched[k]!;
      out.owners[k] = owner;
      out.scores[k] = best[owner]!;
      out.entries[k] = bestEntry[owner]!;
    }
    return out;
  }

  /** Tiers 1-5 from this chunk alone: its run scanned, the best `limit` kept as they come. */
  rank(query: ParsedQuery, limit: number): Ranked {
    const n = this.scan(query);
    const { best, bestEntry, touched } = scratch;
    const scores = scoresOf(n);
    for (let k = 0; k < n; k++) scores[k] = best[touched[k]!]!;
    const count = topBy(scores, n, limit);
    const top = ranking.top;
    const hits: Hit[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const owner = touched[top[i]!]!;
      hits[i] = this.hitAt(bestEntry[owner]!, owner, tierOf(best[owner]!));
    }
    return { total: n, hits };
  }

  /** The hit an entry makes for a label at a tier. */
  hitAt(entry: number, owner: number, tier: Tier): Hit {
    return { chunk: this, owner, tier, entry };
  }

  /** What a hit matched, as the source spells it: the synonym or stable ID, or '' for the label. */
  matchText(hit: Hit): string {
    if (hit.entry < 0) return this.answerTexts.get(-1 - hit.entry);
    const kind = this.kinds.charCodeAt(hit.entry);
    if (kind === SYNONYM) return this.synonyms.get(this.extra[hit.entry]!);
    if (kind !== ID) return '';
    const key = this.keys.get(hit.entry);
    return this.stableIdsOf(hit.owner).find((id) => fold(id) === key) ?? key;
  }

  /** The hit of the name `key` (a label or synonym entry) of the label ranked `grank`, if this chunk has it. */
  nameHit(key: string, synonym: boolean, grank: number, tier: Tier): Hit | null {
    const [from, to] = this.run(key);
    const kind = synonym ? SYNONYM : LABEL;
    for (let i = from; i < to && this.keys.lengthOf(i) === key.length; i++) {
      const owner = this.owners[i]!;
      if (this.kinds.charCodeAt(i) === kind && this.granks[owner] === grank) return this.hitAt(i, owner, tier);
    }
    return null;
  }

  label(owner: number): string {
    const row = this.payload.get(owner);
    return row.slice(0, row.indexOf('\t'));
  }

  stableIdsOf(owner: number): string[] {
    return this.payload.get(owner).split('\t')[1]!.split(' ');
  }

  /** Locations of the owner's stable IDs, in the same order; null where unknown. */
  locationsOf(owner: number): (string | null)[] {
    const [, ids, locations] = this.payload.get(owner).split('\t');
    const locs = locations!.split(' ');
    return ids!.split(' ').map((_, j) => locs[j] || null);
  }

  biotypeOf(owner: number): string | null {
    const b = this.biotypes[owner]!;
    return b === 0 ? null : this.biotypeNames[b - 1]!;
  }
}

/**
 * Ranks the candidates of several chunks: each label (by global rank) once at its best score
 * (its label key can match in one chunk, a synonym in another), the `limit` best in order, and
 * how many labels matched in all.
 */
export function rankCandidates(parts: readonly Candidates[], limit: number): Ranked {
  const byLabel = new Map<number, { score: number; part: Candidates; at: number }>();
  for (const part of parts) {
    for (let at = 0; at < part.owners.length; at++) {
      const grank = part.chunk.granks[part.owners[at]!]!;
      const seen = byLabel.get(grank);
      if (!seen || part.scores[at]! < seen.score) byLabel.set(grank, { score: part.scores[at]!, part, at });
    }
  }
  const all = [...byLabel.values()];
  const scores = scoresOf(all.length);
  for (let i = 0; i < all.length; i++) scores[i] = all[i]!.score;
  const hits: Hit[] = new Array(topBy(scores, all.length, limit));
  for (let i = 0; i < hits.length; i++) {
    const { score: s, part, at } = all[ranking.top[i]!]!;
    hits[i] = part.chunk.hitAt(part.entries[at]!, part.owners[at]!, tierOf(s));
  }
  return { total: all.length, hits };
}

/**
 * Room for a ranking: the scores of its candidates, and its top as indexes among them with
 * their scores (a ranking never yields: one will do).
 */
const ranking = { scores: new Int32Array(256), top: new Int32Array(16), topScores: new Int32Array(16) };

function scoresOf(n: number): Int32Array {
  if (ranking.scores.length < n) ranking.scores = new Int32Array(2 * n);
  return ranking.scores;
}

/**
 * Puts in ranking.top the indexes in [0, n) of the `limit` smallest of scores[0, n), smallest
 * first (scores are distinct per label), and returns how many there are.
 */
function topBy(scores: Int32Array, n: number, limit: number): number {
  if (ranking.top.length < limit) {
    ranking.top = new Int32Array(limit);
    ranking.topScores = new Int32Array(limit);
  }
  const { top, topScores } = ranking;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (k === limit) {
      if (s >= topScores[limit - 1]!) continue;
      k--;
    }
    // Insertion into the sorted top: `limit` is small.
    let j = k++;
    while (j > 0 && topScores[j - 1]! > s) {
      top[j] = top[j - 1]!;
      topScores[j] = topScores[j - 1]!;
      j--;
    }
    top[j] = i;
    topScores[j] = s;
  }
  return k;
}
