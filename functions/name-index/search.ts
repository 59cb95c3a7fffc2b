/**
 * A query against one species: tiers 1-5 from the chunks its key range covers, then, when
 * they give fewer than `limit` and the query is long enough, typo hits. Runtime-agnostic: the
 * species' chunks come through `SpeciesChunks`, which may load them lazily.
 */
import { answerEntry, LONG_ANSWER_SPAN, type RootEntry, type SpeciesRoot } from '../../snapshot/format.ts';
import { rankCandidates, type ChunkIndex, type Hit, type Ranked } from './chunk-index.ts';
import type { Covering } from './covering.ts';
import { isVersioned, matchKind, parseQuery, rangePrefix, TIER, typoBudget, type MatchKind, type ParsedQuery } from './query.ts';
import { emptyTypoIndex, refGrank, refIsSynonym, type TypoIndex } from './typo-index.ts';

/** A species' chunks as a search reads them. */
export interface SpeciesChunks {
  /** The run of chunks [from, to) holding the keys that start with `prefix` (at least one). */
  covering(prefix: string): [from: number, to: number];
  chunk(index: number): Promise<ChunkIndex>;
  /** The answer object that would hold the long answer of `prefix`, or null. */
  answers(prefix: string): Promise<ChunkIndex | null>;
  /** The typo index of names starting with `first` (one UTF-16 unit). */
  typos(first: string): Promise<TypoIndex>;
}

/** A species whose objects are all decoded already (the module-scope warm-up, tests). */
export function decodedSpecies(parts: {
  root: SpeciesRoot;
  covering: Covering;
  chunks: readonly ChunkIndex[];
  /** Answer objects by their root entry. */
  answers: ReadonlyMap<RootEntry, ChunkIndex>;
  /** Typo indexes by first character. */
  typos: ReadonlyMap<string, TypoIndex>;
}): SpeciesChunks {
  const { root, covering, chunks, answers, typos } = parts;
  return {
    covering: (prefix) => covering.run(prefix),
    chunk: async (i) => chunks[i]!,
    answers: async (prefix) => {
      const entry = answerEntry(root, prefix);
      return (entry && answers.get(entry)) ?? null;
    },
    typos: async (first) => typos.get(first) ?? emptyTypoIndex(),
  };
}

export interface Suggestion {
  label: string;
  stable_ids: string[];
  /** Location of each stable ID (`chr:start-end`), null where the source has none. */
  locations: (string | null)[];
  biotype: string | null;
  match: { kind: MatchKind; text: string };
}

export interface SearchPage {
  /** Labels matching in tiers 1-5 (typo hits are not counted). */
  total: number;
  suggestions: Suggestion[];
}

export function toSuggestion(hit: Hit): Suggestion {
  const { chunk, owner } = hit;
  const label = chunk.label(owner);
  return {
    label,
    stable_ids: chunk.stableIdsOf(owner),
    locations: chunk.locationsOf(owner),
    biotype: chunk.biotypeOf(owner),
    match: { kind: matchKind(hit.tier), text: chunk.matchText(hit) || label },
  };
}

/**
 * The answer `stored` (a chunk or an answer object) holds for the query: fq's own, or, for a
 * versioned ID (`ensg00000.1`: fid `ensg00000`), fid's when it starts with a stable ID. Then no
 * name starts with fid, so none with fq, and both queries match the same IDs in the same order.
 */
function storedAnswer(stored: ChunkIndex, q: ParsedQuery, limit: number): Ranked | null {
  const own = stored.answer(q.fq, limit);
  if (own || !isVersioned(q)) return own;
  const ids = stored.answer(q.fid, limit);
  return ids && (ids.hits.length === 0 || ids.hits[0]!.tier === TIER.STABLE_ID) ? ids : null;
}

/** The prefix under which an answer object would hold the query's long answer (see storedAnswer), or null. */
function longAnswerPrefix(first: ChunkIndex, q: ParsedQuery): string | null {
  if (first.holdsAnswer(q.fq)) return q.fq;
  return isVersioned(q) && first.holdsAnswer(q.fid) ? q.fid : null;
}

/**
 * Tiers 1-5 from the first chunk that covers the query's key range, if it can answer alone: its
 * precomputed answer where the builder made one, else, when no other chunk covers the range
 * (`alone`), a scan of its run. Null: the other chunks are needed too (rankAcross).
 */
export function rankFirst(first: ChunkIndex, alone: boolean, q: ParsedQuery, limit: number): Ranked | null {
  return storedAnswer(first, q, limit) ?? (alone ? first.rank(q, limit) : null);
}

/** Tiers 1-5 from every chunk that covers the query's key range: their runs scanned, labels merged. */
export function rankAcross(chunks: readonly ChunkIndex[], q: ParsedQuery, limit: number): Ranked {
  return rankCandidates(chunks.map((chunk) => chunk.candidates(q)), limit);
}

/**
 * Tiers 1-5, loading the first covering chunk, then, when it cannot answer alone, the long
 * answer if the query has one (its range spans LONG_ANSWER_SPAN chunks or more and its answer
 * there has too few hits), else the other covering chunks.
 */
async function ranked(species: SpeciesChunks, q: ParsedQuery, limit: number): Promise<Ranked> {
  const [from, to] = species.covering(rangePrefix(q));
  const first = await species.chunk(from);
  const alone = rankFirst(first, to - from === 1, q, limit);
  if (alone) return alone;
  const prefix = to - from >= LONG_ANSWER_SPAN ? longAnswerPrefix(first, q) : null;
  const answers = prefix === null ? null : await species.answers(prefix);
  const long = answers && storedAnswer(answers, q, limit);
  if (long) return long;
  const rest = await Promise.all(Array.from({ length: to - from - 1 }, (_, i) => species.chunk(from + 1 + i)));
  return rankAcross([first, ...rest], q, limit);
}

/** Typo hits for the labels not already found, resolved to the chunks that hold the matched names. */
async function typos(species: SpeciesChunks, fq: string, found: readonly Hit[], limit: number): Promise<Hit[]> {
  const budget = typoBudget(fq);
  if (budget === 0 || limit <= 0) return [];
  const index = await species.typos(fq[0]!);
  const seen = new Set(found.map((h) => h.chunk.granks[h.owner]!));
  const matches = index.search(fq, budget, limit, (grank) => seen.has(grank)).map((hit) => {
    const key = index.keyOf(hit.key);
    return { hit, key, at: species.covering(key)[0] };
  });
  // The chunks they name load together: a cold isolate waits one round trip, not one per hit.
  const ats = [...new Set(matches.map((m) => m.at))];
  const chunks = new Map(await Promise.all(ats.map(async (at) => [at, await species.chunk(at)] as const)));
  const hits: Hit[] = [];
  for (const { hit, key, at } of matches) {
    const resolved = chunks.get(at)!.nameHit(key, refIsSynonym(hit.ref), refGrank(hit.ref), TIER.TYPO);
    if (!resolved) throw new Error(`typo index names ${JSON.stringify(key)}, which its chunk lacks`);
    hits.push(resolved);
  }
  return hits;
}

export async function search(species: SpeciesChunks, q: string, limit: number): Promise<SearchPage> {
  const query = parseQuery(q);
  if (query.fq === '' || limit <= 0) return { total: 0, suggestions: [] };
  const { total, hits } = await ranked(species, query, limit);
  const extra = hits.length < limit ? await typos(species, query.fq, hits, limit - hits.length) : [];
  return { total, suggestions: [...hits, ...extra].map(toSuggestion) };
}
