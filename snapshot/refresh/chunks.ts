/**
 * A species model → the chunk JSON the edge loads (snapshot/format.ts `Chunk`), with the
 * precomputed answers of prefixes whose runs are too long to scan per query.
 */
import { ChunkIndex } from '../../functions/name-index/chunk-index.ts';
import { rankCandidates } from '../../functions/name-index/chunk-index.ts';
import { parseQuery, rangePrefix } from '../../functions/name-index/query.ts';
import { FORMAT_VERSION, KIND, type Chunk } from '../format.ts';
import { pack, packFrontCoded } from '../packed.ts';
import type { Entry, SpeciesModel } from './species-model.ts';

/** Runs longer than this get a precomputed answer: scanning them per query would cost more. */
export const BROAD_RUN = 64;
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
  const chunk: Chunk = {
    format: FORMAT_VERSION,
    species: model.species,
    keys: packFrontCoded(entries.map((e) => e.key)),
    kinds: entries.map((e) => e.kind).join(''),
    owners: entries.map((e) => owner.get(e.grank)!),
    synonyms: pack(entries.filter((e) => e.kind === KIND.SYNONYM).map((e) => e.text)),
    id_ranks: entries.filter((e) => e.kind === KIND.ID).map((e) => e.idRank),
    labels: pack(labels.map((l) => l.label)),
    granks: table,
    stable_ids: pack(labels.map((l) => l.stableIds.join(' '))),
    biotypes: labels.map((l) => (l.biotype === null ? -1 : biotypeIndex.get(l.biotype)!)),
    biotype_names: biotypeNames,
    answers: Object.fromEntries(
      [...answers].map(([prefix, a]) => [prefix, [a.total, ...a.hits.flatMap((h) => [owner.get(h.grank)!, h.tier, h.text])]]),
    ),
  };
  if (model.hasLocations) chunk.locations = pack(labels.map((l) => l.locations.join(' ')));
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

/** The answer to `prefix` as a query, from the whole species. */
export function answerOf(full: ChunkIndex, prefix: string): Answer {
  const { total, hits } = rankCandidates([full.candidates(parseQuery(prefix))], ANSWER_HITS);
  return { total, hits: hits.map((h) => ({ grank: full.granks[h.owner]!, tier: h.tier, text: h.text })) };
}

/** Entries in the key range a prefix query reads (its run by rangePrefix). */
export function runLength(full: ChunkIndex, prefix: string): number {
  const [from, to] = full.run(rangePrefix(parseQuery(prefix)));
  return to - from;
}

/** The species' chunks in key order, each with the first key it covers ('' for the first). */
export function speciesChunks(model: SpeciesModel): { first: string; chunk: Chunk }[] {
  const full = fullIndex(model);
  const answers = new Map<string, Answer>();
  for (const prefix of broadPrefixes(model.entries)) answers.set(prefix, answerOf(full, prefix));
  return [{ first: '', chunk: chunkJson(model, model.entries, answers) }];
}
