/**
 * Which chunks a key range touches. Chunk i holds the keys from first(i) up to first(i + 1)
 * (separators, snapshot/format.ts `SpeciesRoot`), so the keys starting with a prefix are in the
 * chunk where the prefix itself would sit and in every later chunk whose separator starts
 * with the prefix (a separator is a prefix of its chunk's first key): a run of chunks,
 * [from, to), found by bisection (heads first, when kept) and a short walk.
 */
import { bisectHeads, headHoldsAll, headOf } from './head.ts';

/**
 * @param heads the separators' heads (headOf), when the caller keeps them: the first bisection
 *   then compares strings only among separators that share the prefix's head.
 */
export function coveringChunks(count: number, first: (i: number) => string, prefix: string, heads?: Uint32Array): [from: number, to: number] {
  let lo = 0;
  let hi = count;
  if (heads) {
    const head = headOf(prefix);
    if (headHoldsAll(prefix)) {
      // Heads alone order these separators against the prefix: those that start with it have
      // heads from the prefix's up to the next value of its last unit.
      const after = bisectHeads(heads, head, true);
      const to = bisectHeads(heads, head + 256 ** (4 - prefix.length), false, after);
      return [Math.max(0, after - 1), Math.max(to, 1)];
    }
    lo = bisectHeads(heads, head, false);
    hi = bisectHeads(heads, head, true, lo);
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (first(mid) <= prefix) lo = mid + 1;
    else hi = mid;
  }
  // Separators after lo that start with the prefix are a run too, mostly short or empty.
  let to = lo;
  while (to < count && to - lo < 4 && first(to).startsWith(prefix)) to++;
  if (to - lo === 4) {
    hi = count;
    while (to < hi) {
      const mid = (to + hi) >>> 1;
      if (first(mid).startsWith(prefix)) to = mid + 1;
      else hi = mid;
    }
  }
  return [Math.max(0, lo - 1), Math.max(to, 1)];
}

/** A species root's chunks as a query finds them: their separators, and the heads of those. */
export class Covering {
  private readonly firsts: readonly string[];
  private readonly heads: Uint32Array;

  constructor(root: { chunks: readonly (readonly [string, ...unknown[]])[] }) {
    this.firsts = root.chunks.map((c) => c[0]);
    this.heads = Uint32Array.from(this.firsts, headOf);
  }

  /** The run of chunks [from, to) holding the keys that start with `prefix` (at least one). */
  run(prefix: string): [from: number, to: number] {
    const firsts = this.firsts;
    return coveringChunks(firsts.length, (i) => firsts[i]!, prefix, this.heads);
  }

  /** Bytes held beyond the root's own strings. */
  get byteLength(): number {
    return this.heads.byteLength + 8 * this.firsts.length;
  }
}
