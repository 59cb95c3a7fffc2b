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
import { PackedStrings, unpackFrontCoded } from '../../snapshot/packed.ts';
import { EXACT_SYNONYM_MIN, rangePrefix, TIER, type ParsedQuery, type Tier } from './query.ts';

/** Scores order hits: tier first, then the rank within the tier. Ranks are below 2^26. */
const TIER_SCALE = 2 ** 26;
export const score = (tier: number, rank: number) => tier * TIER_SCALE + rank;
export const tierOf = (s: number) => Math.floor(s / TIER_SCALE) as Tier;

const LABEL = KIND.LABEL.charCodeAt(0);
const SYNONYM = KIND.SYNONYM.charCodeAt(0);
const ID = KIND.ID.charCodeAt(0);

/** A label that matched, in a chunk that holds its payload. */
export interface Hit {
  chunk: ChunkIndex;
  /** Index in the chunk's label table. */
  owner: number;
  tier: Tier;
  /** What matched: the synonym or stable ID as spelled by the source; '' for the label itself. */
  text: string;
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

export class ChunkIndex {
  readonly species: string;
  readonly keys: PackedStrings;
  private readonly kinds: string;
  private readonly owners: Uint32Array;
  /** Per entry: its synonym's index in `synonyms` or its rank among stable IDs (by kind). */
  private readonly extra: Int32Array;
  private readonly synonyms: PackedStrings;
  readonly labels: PackedStrings;
  readonly granks: Uint32Array;
  private readonly stableIds: PackedStrings;
  private readonly locations: PackedStrings | null;
  private readonly biotypes: Int16Array;
  private readonly biotypeNames: readonly string[];
  private readonly answers: Map<string, (number | string)[]>;
  /** Scratch for deduplication by owner: a label is seen in this search iff stamp[owner] === epoch. */
  private readonly stamp: Uint32Array;
  private readonly best: Int32Array;
  private readonly bestEntry: Int32Array;
  private epoch = 0;
  /** Estimated heap bytes, for the memory budget. */
  readonly bytes: number;

  constructor(chunk: Chunk) {
    this.species = chunk.species;
    const n = chunk.kinds.length;
    const m = chunk.granks.length;
    try {
      this.keys = new PackedStrings(unpackFrontCoded(chunk.keys, n), n);
      this.synonyms = new PackedStrings(chunk.synonyms, chunk.kinds.split(KIND.SYNONYM).length - 1);
      this.labels = new PackedStrings(chunk.labels, m);
      this.stableIds = new PackedStrings(chunk.stable_ids, m);
      this.locations = chunk.locations === undefined ? null : new PackedStrings(chunk.locations, m);
    } catch (error) {
      throw new FormatError(`chunk of ${chunk.species}: ${(error as Error).message}`);
    }
    this.kinds = chunk.kinds;
    this.owners = Uint32Array.from(chunk.owners);
    this.extra = new Int32Array(n);
    let synonym = 0;
    let id = 0;
    for (let i = 0; i < n; i++) {
      const kind = chunk.kinds.charCodeAt(i);
      this.extra[i] = kind === SYNONYM ? synonym++ : kind === ID ? chunk.id_ranks[id++]! : -1;
    }
    this.granks = Uint32Array.from(chunk.granks);
    this.biotypes = Int16Array.from(chunk.biotypes);
    this.biotypeNames = chunk.biotype_names;
    this.answers = new Map(Object.entries(chunk.answers));
    this.stamp = new Uint32Array(m);
    this.best = new Int32Array(m);
    this.bestEntry = new Int32Array(m);
    let answerBytes = 0;
    for (const [prefix, answer] of this.answers) answerBytes += 40 + prefix.length + answer.length * 12;
    this.bytes =
      this.keys.byteLength +
      this.synonyms.byteLength +
      this.labels.byteLength +
      this.stableIds.byteLength +
      (this.locations?.byteLength ?? 0) +
      n * (1 + 4 + 4) +
      m * (4 + 2 + 12) +
      answerBytes;
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
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys.comparePrefix(mid, prefix) < 0) lo = mid + 1;
      else hi = mid;
    }
    const from = lo;
    hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys.comparePrefix(mid, prefix) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return [from, lo];
  }

  /** The precomputed answer for `fq`, if the builder made one and it holds `limit` hits. */
  answer(fq: string, limit: number): Ranked | null {
    const answer = this.answers.get(fq);
    if (!answer) return null;
    const total = answer[0] as number;
    const stored = (answer.length - 1) / 3;
    if (stored < limit && stored < total) return null;
    const hits: Hit[] = [];
    for (let i = 1; i < answer.length && hits.length < limit; i += 3) {
      hits.push({ chunk: this, owner: answer[i] as number, tier: answer[i + 1] as Tier, text: answer[i + 2] as string });
    }
    return { total, hits };
  }

  /** Whether the builder precomputed an answer for `fq` (its run is long or crosses chunks). */
  hasAnswer(fq: string): boolean {
    return this.answers.has(fq);
  }

  /** Every label of this chunk the query matches in tiers 1-5, each once at its best score. */
  candidates(query: ParsedQuery): Candidates {
    const { fq, fid } = query;
    const [from, to] = this.run(rangePrefix(query));
    const epoch = ++this.epoch;
    const out: Candidates = { chunk: this, owners: [], scores: [], entries: [] };
    // fid is shorter than fq only for a versioned ID ("…510.17"): names must still start with fq.
    const checkNames = fid !== null && fid.length < fq.length;
    const exactSynonyms = fq.length >= EXACT_SYNONYM_MIN;
    for (let i = from; i < to; i++) {
      const kind = this.kinds.charCodeAt(i);
      const owner = this.owners[i]!;
      let s: number;
      if (kind === ID) {
        if (fid === null) continue;
        s = score(TIER.STABLE_ID, this.extra[i]!);
      } else {
        if (checkNames && !this.keys.startsWith(i, fq)) continue;
        const exact = this.keys.lengthOf(i) === fq.length;
        const tier = kind === LABEL ? (exact ? TIER.EXACT_LABEL : TIER.LABEL_PREFIX) : exact && exactSynonyms ? TIER.EXACT_SYNONYM : TIER.SYNONYM_PREFIX;
        s = score(tier, this.granks[owner]!);
      }
      if (this.stamp[owner] !== epoch) {
        this.stamp[owner] = epoch;
        this.best[owner] = s;
        this.bestEntry[owner] = i;
        out.owners.push(owner);
      } else if (s < this.best[owner]!) {
        this.best[owner] = s;
        this.bestEntry[owner] = i;
      }
    }
    for (const owner of out.owners) {
      out.scores.push(this.best[owner]!);
      out.entries.push(this.bestEntry[owner]!);
    }
    return out;
  }

  /** The hit an entry makes for a label at a tier (match text as the source spells it). */
  hitAt(entry: number, owner: number, tier: Tier): Hit {
    const kind = this.kinds.charCodeAt(entry);
    let text = '';
    if (kind === SYNONYM) text = this.synonyms.get(this.extra[entry]!);
    else if (kind === ID) {
      const key = this.keys.get(entry);
      text = this.stableIds.get(owner).split(' ').find((id) => fold(id) === key) ?? key;
    }
    return { chunk: this, owner, tier, text };
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
    return this.labels.get(owner);
  }

  stableIdsOf(owner: number): string[] {
    return this.stableIds.get(owner).split(' ');
  }

  /** Locations of the owner's stable IDs, in the same order; null where unknown. */
  locationsOf(owner: number): (string | null)[] {
    const ids = this.stableIds.get(owner).split(' ');
    const locs = this.locations?.get(owner).split(' ');
    return ids.map((_, j) => locs?.[j] || null);
  }

  biotypeOf(owner: number): string | null {
    const b = this.biotypes[owner]!;
    return b < 0 ? null : this.biotypeNames[b]!;
  }
}

/**
 * Ranks the candidates of one or more chunks: each label (by global rank) once at its best
 * score, the `limit` best in order, and how many labels matched in all.
 */
export function rankCandidates(parts: readonly Candidates[], limit: number): Ranked {
  let best: { score: number; part: Candidates; at: number }[];
  let total: number;
  if (parts.length === 1) {
    const part = parts[0]!;
    total = part.owners.length;
    best = topByScore(part.scores, limit).map((at) => ({ score: part.scores[at]!, part, at }));
  } else {
    // A label can match in several chunks (its label key in one, a synonym in another).
    const byLabel = new Map<number, { score: number; part: Candidates; at: number }>();
    for (const part of parts) {
      for (let at = 0; at < part.owners.length; at++) {
        const grank = part.chunk.granks[part.owners[at]!]!;
        const seen = byLabel.get(grank);
        if (!seen || part.scores[at]! < seen.score) byLabel.set(grank, { score: part.scores[at]!, part, at });
      }
    }
    total = byLabel.size;
    const all = [...byLabel.values()];
    best = topByScore(all.map((c) => c.score), limit).map((i) => all[i]!);
  }
  return {
    total,
    hits: best.map(({ score: s, part, at }) => part.chunk.hitAt(part.entries[at]!, part.owners[at]!, tierOf(s))),
  };
}

/** Indexes of the `limit` smallest scores, smallest first (scores are distinct per label). */
export function topByScore(scores: readonly number[], limit: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (top.length === limit) {
      if (s >= scores[top[limit - 1]!]!) continue;
      top.pop();
    }
    let j = top.length;
    top.push(i);
    while (j > 0 && scores[top[j - 1]!]! > s) {
      top[j] = top[j - 1]!;
      j--;
    }
    top[j] = i;
  }
  return top;
}
