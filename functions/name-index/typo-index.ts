/**
 * The typo fallback: labels and synonyms within one edit (queries of 4-7 characters) or two
 * (8+) of the query as a prefix, keeping the first character. Edits are insertions,
 * deletions, substitutions and transpositions of adjacent characters (optimal string
 * alignment distance). Pure data structure: no I/O.
 *
 * The keys (distinct folded names sharing a first character, sorted) form an implicit trie;
 * a depth-first walk carries the distance rows of the query against each node's prefix and
 * leaves a subtree as soon as no extension can come within the budget.
 */
import { pack, PackedStrings } from '../../snapshot/packed.ts';

/** A name's reference: kind (0 label, 1 synonym) above the label's global rank. */
const KIND_SCALE = 2 ** 26;
export const typoRef = (kind: 0 | 1, grank: number) => kind * KIND_SCALE + grank;
export const refGrank = (ref: number) => ref % KIND_SCALE;
export const refIsSynonym = (ref: number) => ref >= KIND_SCALE;

export interface TypoHit {
  /** Index of the matched key. */
  key: number;
  /** The matched name's reference (kind and label rank). */
  ref: number;
  distance: number;
  /** The whole key is that close, not only a prefix of it. */
  whole: boolean;
}

export class TypoIndex {
  readonly keys: PackedStrings;
  /** Refs of key j: refs[refStart[j] .. refStart[j + 1]). */
  private readonly refStart: Uint32Array;
  private readonly refs: Uint32Array;
  private rows: Int32Array[] = [];

  constructor(keys: PackedStrings, refStart: Uint32Array, refs: Uint32Array) {
    this.keys = keys;
    this.refStart = refStart;
    this.refs = refs;
  }

  get byteLength(): number {
    return this.keys.byteLength + this.refStart.byteLength + this.refs.byteLength;
  }

  /**
   * The best `limit` labels within `budget` edits of `fq` (fq[0] kept), each label once:
   * closest first, then whole-key matches, then labels before synonyms, then label rank.
   * Labels for which `exclude(grank)` holds are skipped.
   */
  search(fq: string, budget: number, limit: number, exclude: (grank: number) => boolean): TypoHit[] {
    if (budget <= 0 || limit <= 0 || fq.length === 0) return [];
    const n = fq.length;
    const [lo, hi] = this.childRange(0, this.keys.length, 0, fq.charCodeAt(0));
    if (lo === hi) return [];
    const row0 = this.row(0, n);
    for (let j = 0; j <= n; j++) row0[j] = j;
    this.step(1, fq, fq.charCodeAt(0), 0);
    const best = new Map<number, { score: number; hit: TypoHit }>();
    const emit = (key: number, distance: number, whole: boolean) => {
      for (let r = this.refStart[key]!; r < this.refStart[key + 1]!; r++) {
        const ref = this.refs[r]!;
        const grank = refGrank(ref);
        if (exclude(grank)) continue;
        const s = ((distance * 2 + (whole ? 0 : 1)) * 2) * KIND_SCALE + ref;
        const seen = best.get(grank);
        if (!seen || s < seen.score) best.set(grank, { score: s, hit: { key, ref, distance, whole } });
      }
    };
    this.walk(1, lo, hi, fq, budget, Number.POSITIVE_INFINITY, emit);
    return [...best.values()]
      .sort((a, b) => a.score - b.score)
      .slice(0, limit)
      .map((b) => b.hit);
  }

  private row(depth: number, n: number): Int32Array {
    let row = this.rows[depth];
    if (!row || row.length < n + 1) this.rows[depth] = row = new Int32Array(n + 1);
    return row;
  }

  /** Fills the distance row at `depth` for a prefix ending in `c`, after `prev` (code of the character before it). */
  private step(depth: number, fq: string, c: number, prev: number): void {
    const n = fq.length;
    const up = this.rows[depth - 1]!;
    const upup = depth >= 2 ? this.rows[depth - 2]! : null;
    const row = this.row(depth, n);
    row[0] = depth;
    for (let j = 1; j <= n; j++) {
      const q = fq.charCodeAt(j - 1);
      let d = Math.min(up[j]! + 1, row[j - 1]! + 1, up[j - 1]! + (q === c ? 0 : 1));
      if (upup && j >= 2 && q === prev && fq.charCodeAt(j - 2) === c) d = Math.min(d, upup[j - 2]! + 1);
      row[j] = d;
    }
  }

  private walk(depth: number, lo: number, hi: number, fq: string, budget: number, minPrefix: number, emit: (key: number, d: number, whole: boolean) => void): void {
    const n = fq.length;
    const row = this.rows[depth]!;
    const dist = row[n]!;
    const closest = Math.min(minPrefix, dist);
    // Later rows only grow from the two last ones (transpositions reach back two).
    let floor = Number.POSITIVE_INFINITY;
    for (let j = 0; j <= n; j++) floor = Math.min(floor, row[j]!, this.rows[depth - 1]![j]!);
    if (floor > budget) {
      // Nothing below gets closer: every key here matches (if at all) by a prefix only.
      if (closest <= budget) for (let key = lo; key < hi; key++) emit(key, closest, false);
      return;
    }
    if (lo < hi && this.keys.lengthOf(lo) === depth) {
      if (closest <= budget) emit(lo, closest, dist === closest);
      lo++;
    }
    const prev = lo < hi ? this.keys.unitAt(lo, depth - 1) : -1;
    while (lo < hi) {
      const c = this.keys.unitAt(lo, depth);
      const [, end] = this.childRange(lo, hi, depth, c);
      this.step(depth + 1, fq, c, prev);
      this.walk(depth + 1, lo, end, fq, budget, closest, emit);
      lo = end;
    }
  }

  /** Keys in [lo, hi) (sharing their first `depth` units) whose unit at `depth` is `c`. */
  private childRange(lo: number, hi: number, depth: number, c: number): [number, number] {
    const keys = this.keys;
    let a = lo;
    let b = hi;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (keys.unitAt(mid, depth) < c) a = mid + 1;
      else b = mid;
    }
    const from = a;
    b = hi;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (keys.unitAt(mid, depth) <= c) a = mid + 1;
      else b = mid;
    }
    return [from, a];
  }
}

/** Builds a typo index from names sorted by key (equal keys adjacent). */
export function buildTypoIndex(names: Iterable<[key: string, synonym: boolean, grank: number]>): TypoIndex {
  const keys: string[] = [];
  const refStart: number[] = [];
  const refs: number[] = [];
  for (const [key, synonym, grank] of names) {
    if (keys[keys.length - 1] !== key) {
      keys.push(key);
      refStart.push(refs.length);
    }
    refs.push(typoRef(synonym ? 1 : 0, grank));
  }
  refStart.push(refs.length);
  return new TypoIndex(new PackedStrings(pack(keys), keys.length), Uint32Array.from(refStart), Uint32Array.from(refs));
}
