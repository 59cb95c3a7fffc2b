/**
 * Which chunks a key range touches. Chunk i holds the keys from first(i) up to first(i + 1)
 * (separators, snapshot/format.ts `SpeciesRoot`), so the keys starting with a prefix are in the
 * chunk where the prefix itself would sit and in every later chunk whose separator starts
 * with the prefix (a separator is a prefix of its chunk's first key): a run of chunks,
 * [from, to), found by two bisections.
 */
export function coveringChunks(count: number, first: (i: number) => string, prefix: string): [from: number, to: number] {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (first(mid) <= prefix) lo = mid + 1;
    else hi = mid;
  }
  // Separators after lo that start with the prefix are a run too.
  let to = lo;
  hi = count;
  while (to < hi) {
    const mid = (to + hi) >>> 1;
    if (first(mid).startsWith(prefix)) to = mid + 1;
    else hi = mid;
  }
  return [Math.max(0, lo - 1), Math.max(to, 1)];
}

/** coveringChunks over a species root's chunks (entries whose first element is the separator). */
export function coveringRoot(root: { chunks: readonly (readonly [string, ...unknown[]])[] }, prefix: string): [from: number, to: number] {
  const chunks = root.chunks;
  return coveringChunks(chunks.length, (i) => chunks[i]![0], prefix);
}
