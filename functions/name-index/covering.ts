/**
 * Which chunks a key range touches. Chunk i holds the keys from firsts[i] up to firsts[i + 1]
 * (separators, snapshot/format.ts `SpeciesRoot`), so the keys starting with a prefix are in the
 * chunk where the prefix itself would sit and in every later chunk whose separator starts
 * with the prefix (a separator is a prefix of its chunk's first key).
 */
export function coveringChunks(chunks: readonly { first: string }[], prefix: string): number[] {
  let lo = 0;
  let hi = chunks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (chunks[mid]!.first <= prefix) lo = mid + 1;
    else hi = mid;
  }
  const out = [Math.max(0, lo - 1)];
  for (let i = lo; i < chunks.length && chunks[i]!.first.startsWith(prefix); i++) out.push(i);
  return out;
}
