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
import { indexTable, PackedStrings, unpackFrontCoded, type IndexTable } from '../../snapshot/packed.ts';
import { EXACT_SYNONYM_MIN, rangePrefix, TIER, type ParsedQuery, type Tier } from './query.ts';

/** Scores order hits: tier first, then the rank within the tier. Ranks are below 2^26. */
const TIER_SCALE = 2 ** 26;
export const score = (tier: number, rank: number) => tier * TIER_SCALE + rank;
const tierOf = (s: number) => Math.floor(s / TIER_SCALE) as Tier;

const LABEL = KIND.LABEL.charCodeAt(0);
const SYNONYM = KIND.SYNONYM.charCodeAt(0);
const ID = KIND.ID.charCodeAt(0);

/** Two UTF-16 units as one unsigned number that orders as they do (-1, past the end, as 0). */
const head = (a: number, b: number) => ((Math.max(a, 0) << 16) | Math.max(b, 0)) >>> 0;

/** A label that matched, in a chunk that holds its payload. */
export interface Hit {
  chunk: ChunkIndex;
  /** Index in the chunk's label table. */
  owner: number;
  tier: Tier;
  /** The entry that matched, or -1 when `text` says what did. */
  entry: number;
  /** What matched as the source spells it ('' for the label itself); null: read it from `entry` when needed. */
  text: string | null;
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
  /** The first two UTF-16 units of each key (0 past its end): most comparisons of a search end here. */
  private readonly heads: Uint32Array;
  private readonly kinds: string;
  private readonly owners: IndexTable;
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
    this.heads = new Uint32Array(n);
    for (let i = 0; i < n; i++) this.heads[i] = head(this.keys.unitAt(i, 0), this.keys.unitAt(i, 1));
    this.owners = indexTable(n, m);
    this.owners.set(chunk.owners);
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
    let answerBytes = 0;
    for (const [prefix, answer] of this.answers) answerBytes += 40 + prefix.length + answer.length * 12;
    this.bytes =
      this.keys.byteLength +
      this.synonyms.byteLength +
      this.labels.byteLength +
      this.stableIds.byteLength +
      (this.locations?.byteLength ?? 0) +
      n * (1 + 4 + this.owners.BYTES_PER_ELEMENT + 4) +
      m * (4 + 2) +
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

  /** The first entry whose key is >= prefix (compared over the prefix's length): heads first. */
  private lowerBound(prefix: string): number {
    const heads = this.heads;
    const keys = this.keys;
    const mask = prefix.length < 2 ? 0xffff0000 : 0xffffffff;
    const want = (head(prefix.charCodeAt(0), prefix.length < 2 ? 0 : prefix.charCodeAt(1)) & mask) >>> 0;
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const h = (heads[mid]! & mask) >>> 0;
      if (h < want || (h === want && keys.comparePrefix(mid, prefix) < 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
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
      hits.push({ chunk: this, owner: answer[i] as number, tier: answer[i + 1] as Tier, entry: -1, text: answer[i + 2] as string });
    }
    return { total, hits };
  }

  /**
   * Scans the query's run: every label of this chunk it matches in tiers 1-5, each once at its
   * best score, left in the scratch (touched[0..n), best, bestEntry by owner). Returns n.
   */
  private scan(query: ParsedQuery): number {
    const { fq, fid } = query;
    const prefix = rangePrefix(query);
    const keys = this.keys;
    const size = this.size;
    if (scratch.stamp.length < this.granks.length) growScratch(this.granks.length);
    const { stamp, best, bestEntry, touched } = scratch;
    const epoch = ++scratch.epoch;
    let n = 0;
    // fid is shorter than fq only for a versioned ID ("…510.17"): names must still start with fq.
    const checkNames = fid !== null && fid.length < fq.length;
    const exactSynonyms = fq.length >= EXACT_SYNONYM_MIN;
    // The run ends at the first key that does not start with the prefix: found on the way.
    for (let i = this.lowerBound(prefix); i < size && keys.startsWith(i, prefix); i++) {
      const kind = this.kinds.charCodeAt(i);
      const owner = this.owners[i]!;
      let s: number;
      if (kind === ID) {
        if (fid === null) continue;
        s = score(TIER.STABLE_ID, this.extra[i]!);
      } else {
        if (checkNames && !keys.startsWith(i, fq)) continue;
        const exact = keys.lengthOf(i) === fq.length;
        const tier = kind === LABEL ? (exact ? TIER.EXACT_LABEL : TIER.LABEL_PREFIX) : exact && exactSynonyms ? TIER.EXACT_SYNONYM : TIER.SYNONYM_PREFIX;
        s = score(tier, this.granks[owner]!);
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
    const top = topBy(n, (k) => best[touched[k]!]!, limit);
    return {
      total: n,
      hits: top.map((k) => {
        const owner = touched[k]!;
        return this.hitAt(bestEntry[owner]!, owner, tierOf(best[owner]!));
      }),
    };
  }

  /** The hit an entry makes for a label at a tier. */
  hitAt(entry: number, owner: number, tier: Tier): Hit {
    return { chunk: this, owner, tier, entry, text: null };
  }

  /** What a hit matched, as the source spells it: the synonym or stable ID, or '' for the label. */
  matchText(hit: Hit): string {
    if (hit.text !== null) return hit.text;
    const kind = this.kinds.charCodeAt(hit.entry);
    if (kind === SYNONYM) return this.synonyms.get(this.extra[hit.entry]!);
    if (kind !== ID) return '';
    const key = this.keys.get(hit.entry);
    return this.stableIds.get(hit.owner).split(' ').find((id) => fold(id) === key) ?? key;
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
  return {
    total: all.length,
    hits: topBy(all.length, (i) => all[i]!.score, limit).map((i) => {
      const { score: s, part, at } = all[i]!;
      return part.chunk.hitAt(part.entries[at]!, part.owners[at]!, tierOf(s));
    }),
  };
}

/** The indexes in [0, n) of the `limit` smallest scores, smallest first (scores are distinct per label). */
function topBy(n: number, scoreAt: (i: number) => number, limit: number): number[] {
  const top: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = scoreAt(i);
    if (top.length === limit) {
      if (s >= scores[limit - 1]!) continue;
      top.pop();
      scores.pop();
    }
    // Insertion into the sorted top: `limit` is small.
    let j = top.length;
    top.push(i);
    scores.push(s);
    while (j > 0 && scores[j - 1]! > s) {
      top[j] = top[j - 1]!;
      scores[j] = scores[j - 1]!;
      j--;
    }
    top[j] = i;
    scores[j] = s;
  }
  return top;
}
