/** Reads what a snapshot holds for a species, through the edge's own index (tests only). */
import { Covering } from '../../functions/name-index/covering.ts';
import { ChunkIndex } from '../../functions/name-index/chunk-index.ts';
import { decodedSpecies, search, type SearchPage, type SpeciesChunks } from '../../functions/name-index/search.ts';
import { typoIndexOf, type TypoIndex } from '../../functions/name-index/typo-index.ts';
import { assertRoot, rootRef, type SpeciesEntry, type SpeciesRoot } from '../../snapshot/format.ts';
import { nodeXzDecoder } from '../../snapshot/refresh/xz-node.ts';

export interface SpeciesContent {
  root: SpeciesRoot;
  covering: Covering;
  chunks: ChunkIndex[];
  /** Every label in rank order. */
  labels: string[];
  /** Stable IDs of a label, joined by spaces. */
  stableIdsOf(label: string): string | undefined;
  typos: Map<string, TypoIndex>;
  /** The species as the search reads it, everything loaded. */
  view: SpeciesChunks;
  /** A query as the edge answers it. */
  search(q: string, limit?: number): Promise<SearchPage>;
}

const xz = nodeXzDecoder();

export async function readSpecies(get: (key: string) => Promise<Uint8Array | null>, species: string, entry: SpeciesEntry): Promise<SpeciesContent> {
  const fetch = async (key: string) => {
    const bytes = await get(key);
    if (!bytes) throw new Error(`${key} is missing`);
    return xz.decode(bytes);
  };
  const root: unknown = JSON.parse(new TextDecoder().decode(await fetch(entry.root.key)));
  assertRoot(root, species);
  const chunks = await Promise.all(root.chunks.map(async (c) => ChunkIndex.fromJson(species, await fetch(rootRef(root, c).key))));
  const byRank = new Map<number, { label: string; ids: string }>();
  for (const chunk of chunks) {
    for (let owner = 0; owner < chunk.granks.length; owner++) {
      byRank.set(chunk.granks[owner]!, { label: chunk.label(owner), ids: chunk.stableIdsOf(owner).join(' ') });
    }
  }
  const ranked = [...byRank.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
  const ids = new Map(ranked.map((r) => [r.label, r.ids]));
  const typos = new Map<string, TypoIndex>();
  for (const t of root.typos) typos.set(t[0], typoIndexOf(JSON.parse(new TextDecoder().decode(await fetch(rootRef(root, t).key))), species, t[0]));
  const answers = new Map(await Promise.all((root.answers ?? []).map(async (a) => [a, ChunkIndex.fromJson(species, await fetch(rootRef(root, a).key))] as const)));
  const covering = new Covering(root);
  const view = decodedSpecies({ root, covering, chunks, answers, typos });
  return { root, covering, chunks, labels: ranked.map((r) => r.label), stableIdsOf: (label) => ids.get(label), typos, view, search: (q, limit = 10) => search(view, q, limit) };
}
