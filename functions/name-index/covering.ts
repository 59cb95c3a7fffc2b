/**
 * Which chunks a key range touches. Chunk i holds the keys from first(i) up to first(i + 1)
 * (separators, snapshot/format.ts `SpeciesRoot`), so the keys starting with a prefix are in the
 * chunk where the prefix itself would sit and in every later chunk whose separator starts
 * with the prefix (a separator is a prefix of its chunk's first key).
 */
export function coveringChunks(count: number, first: (i: number) => string, prefix: string): number[] {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (first(mid) <= prefix) lo = mid + 1;
    else hi = mid;
  }
  const out = [Math.max(0, lo - 1)];
  for (let i = lo; i < count && first(i).startsWith(prefix); i++) out.push(i);
  return out;
}

/** coveringChunks over a species root's chunks. */
export function coveringRoot(root: { chunks: readonly (readonly [string, ...unknown[]])[] }, prefix: string): number[] {
  return coveringChunks(root.chunks.length, (i) => root.chunks[i]![0], prefix);
}
