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
import { assertTypos, FormatError, KIND } from '../../snapshot/format.ts';
import { indexTable, PackedStrings, unpackFrontCoded, type IndexTable } from '../../snapshot/packed.ts';

/**
 * Best score and key per label rank in the search under way, valid where stamp[grank] is the
 * search's epoch. Shared by every index: a search never yields, so two never interleave, and
 * an isolate holding dozens of typo indexes pays for one scratch.
 */
const scratch = { stamp: new Uint32Array(0), best: new Int32Array(0), bestKey: new Int32Array(0), epoch: 0 };

function growScratch(size: number): void {
  const n = Math.max(size, scratch.stamp.length * 2);
  const grown = { stamp: new Uint32Array(n), best: new Int32Array(n), bestKey: new Int32Array(n) };
  grown.stamp.set(scratch.stamp);
  grown.best.set(scratch.best);
  grown.bestKey.set(scratch.bestKey);
  Object.assign(scratch, grown);
}

/** Larger than any distance: no prefix on the path is close yet. */
const NOT_CLOSE = 1 << 20;

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
  private readonly refStart: IndexTable;
  private readonly refs: Uint32Array;
  /** Distance rows by depth, reused across searches (a search never yields). */
  private rows: Int32Array[] = [];
  // The search under way.
  private fq = '';
  private budget = 0;
  private exclude: (grank: number) => boolean = () => false;
  private touched: number[] = [];

  constructor(keys: PackedStrings, refStart: IndexTable, refs: Uint32Array) {
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
    const [lo, hi] = this.childRange(0, this.keys.length, 0, fq.charCodeAt(0));
    if (lo === hi) return [];
    this.fq = fq;
    this.exclude = exclude;
    this.touched = [];
    scratch.epoch++;
    // One edit by direct lookups; only when that gives fewer than `limit` labels can two-edit
    // matches rank among the best (closest come first), and only then does the walk run.
    this.budget = 1;
    this.oneEdit(lo, hi);
    if (budget >= 2 && this.touched.length < limit) {
      this.budget = budget;
      const row0 = this.row(0);
      for (let j = 0; j <= fq.length; j++) row0[j] = j;
      this.step(1, fq.charCodeAt(0), -1);
      this.walk(1, lo, hi, NOT_CLOSE);
    }
    const { best, bestKey } = scratch;
    const top = this.touched.sort((a, b) => best[a]! - best[b]!).slice(0, limit);
    return top.map((grank) => {
      const s = best[grank]!;
      const quality = Math.floor(s / (2 * KIND_SCALE));
      return { key: bestKey[grank]!, ref: s % (2 * KIND_SCALE), distance: quality >> 1, whole: (quality & 1) === 0 };
    });
  }

  /**
   * Every key within one edit of the query as a prefix, first character kept: along the
   * query's own path, an edit at position d is a substitution or insertion (a child x of the
   * node q[0..d) going on with q[d+1..] or q[d..]), a deletion (the node going on with
   * q[d+1..]) or a transposition (going on with q[d+1] q[d] q[d+2..]). No distance rows.
   */
  private oneEdit(lo: number, hi: number): void {
    const fq = this.fq;
    const n = fq.length;
    for (let d = 1; d < n && lo < hi; d++) {
      this.jump(d, lo, hi, fq, NOT_CLOSE, d + 1);
      if (d + 1 < n) this.jump(d, lo, hi, fq[d + 1]! + fq[d]! + fq.slice(d + 2), NOT_CLOSE);
      const own = fq.charCodeAt(d);
      let next = 0;
      let nextEnd = 0;
      let at = lo;
      if (at < hi && this.keys.lengthOf(at) === d) at++;
      while (at < hi) {
        const x = this.keys.unitAt(at, d);
        const end = this.childEnd(at, hi, d, x);
        if (x === own) [next, nextEnd] = [at, end];
        else {
          this.jump(d + 1, at, end, fq, NOT_CLOSE, d + 1);
          this.jump(d + 1, at, end, fq, NOT_CLOSE, d);
        }
        at = end;
      }
      [lo, hi] = [next, nextEnd];
    }
  }

  private row(depth: number): Int32Array {
    let row = this.rows[depth];
    if (!row || row.length < this.fq.length + 1) this.rows[depth] = row = new Int32Array(this.fq.length + 1);
    return row;
  }

  /** Fills the distance row at `depth` for a prefix ending in `c` after `prev` (optimal string alignment). */
  private step(depth: number, c: number, prev: number): void {
    const fq = this.fq;
    const n = fq.length;
    const up = this.rows[depth - 1]!;
    const upup = depth >= 2 ? this.rows[depth - 2]! : null;
    const row = this.row(depth);
    row[0] = depth;
    for (let j = 1; j <= n; j++) {
      const q = fq.charCodeAt(j - 1);
      let d = Math.min(up[j]! + 1, row[j - 1]! + 1, up[j - 1]! + (q === c ? 0 : 1));
      if (upup && j >= 2 && q === prev && fq.charCodeAt(j - 2) === c) d = Math.min(d, upup[j - 2]! + 1);
      row[j] = d;
    }
  }

  private emit(key: number, distance: number, whole: boolean): void {
    for (let r = this.refStart[key]!; r < this.refStart[key + 1]!; r++) {
      const ref = this.refs[r]!;
      const grank = refGrank(ref);
      if (this.exclude(grank)) continue;
      const s = (distance * 2 + (whole ? 0 : 1)) * 2 * KIND_SCALE + ref;
      if (grank >= scratch.stamp.length) growScratch(grank + 1);
      if (scratch.stamp[grank] !== scratch.epoch) {
        scratch.stamp[grank] = scratch.epoch;
        this.touched.push(grank);
      } else if (s >= scratch.best[grank]!) continue;
      scratch.best[grank] = s;
      scratch.bestKey[grank] = key;
    }
  }

  /**
   * Node: the keys [lo, hi) sharing their first `depth` units, whose distance row is
   * rows[depth]; `minPrefix` is the least distance of any shorter prefix on the path.
   */
  private walk(depth: number, lo: number, hi: number, minPrefix: number): void {
    const fq = this.fq;
    const n = fq.length;
    const budget = this.budget;
    const row = this.rows[depth]!;
    const dist = row[n]!;
    const closest = Math.min(minPrefix, dist);
    // Every key below has this prefix, so matches at least this closely (by a prefix only,
    // unless the walk below finds better); emitted once, where the path first gets this close.
    if (closest <= budget && closest < minPrefix) for (let key = lo; key < hi; key++) this.emit(key, closest, false);
    if (lo < hi && this.keys.lengthOf(lo) === depth) {
      if (closest <= budget && dist === closest) this.emit(lo, closest, true);
      lo++;
    }
    if (lo === hi) return;
    let rowMin = row[0]!;
    for (let j = 1; j <= n; j++) if (row[j]! < rowMin) rowMin = row[j]!;
    const prev = this.keys.unitAt(lo, depth - 1);
    if (rowMin < budget) {
      // Edits left: every child may stay within the budget.
      while (lo < hi) {
        const c = this.keys.unitAt(lo, depth);
        const end = this.childEnd(lo, hi, depth, c);
        this.step(depth + 1, c, prev);
        this.walk(depth + 1, lo, end, closest);
        lo = end;
      }
      return;
    }
    // No edit left. From a column at the budget only the rest of the query, matched exactly,
    // stays within it: look that up at once. A transposition completing from the row before
    // is the one other way on.
    const up = this.rows[depth - 1]!;
    for (let j = 0; j < n; j++) {
      if (row[j] === budget) this.jump(depth, lo, hi, fq, closest, j);
      if (j >= 1 && up[j - 1]! + 1 <= budget && fq.charCodeAt(j) === prev && row[j - 1] !== budget) {
        const c = fq.charCodeAt(j - 1);
        const [from, to] = this.childRange(lo, hi, depth, c);
        if (from === to) continue;
        this.step(depth + 1, c, prev);
        this.walk(depth + 1, from, to, closest);
      }
    }
  }

  /**
   * The keys in [lo, hi) (sharing their first `depth` units) that go on with rest[from..],
   * reached at exactly the budget: each matches by that prefix, and the one that is nothing
   * more matches whole. Most of these ranges are empty: one bisection tells.
   */
  private jump(depth: number, lo: number, hi: number, rest: string, closest: number, from = 0): void {
    const keys = this.keys;
    let a = lo;
    let b = hi;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (keys.comparePrefixAt(mid, depth, rest, from) < 0) a = mid + 1;
      else b = mid;
    }
    if (a === hi || keys.comparePrefixAt(a, depth, rest, from) !== 0) return;
    const start = a;
    let end = a + 1;
    while (end < hi && keys.comparePrefixAt(end, depth, rest, from) === 0) end++;
    const budget = this.budget;
    if (budget < closest) for (let key = start; key < end; key++) this.emit(key, budget, false);
    if (budget <= closest && keys.lengthOf(start) === depth + rest.length - from) this.emit(start, budget, true);
  }

  /** The end of the child starting at `lo` whose unit at `depth` is `c`: a gallop, then a bisection (children are mostly small). */
  private childEnd(lo: number, hi: number, depth: number, c: number): number {
    const keys = this.keys;
    let step = 1;
    let a = lo + 1;
    let b = a;
    while (b < hi && keys.unitAt(b, depth) === c) {
      a = b + 1;
      b = Math.min(lo + (step *= 2), hi);
    }
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (keys.unitAt(mid, depth) === c) a = mid + 1;
      else b = mid;
    }
    return a;
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

/** The typo index of a first character no name starts with. */
export function emptyTypoIndex(): TypoIndex {
  return new TypoIndex(new PackedStrings('', 0), new Uint32Array(1), new Uint32Array(0));
}

/** The typo index of a typo object (snapshot/format.ts `TypoObject`), validated. */
export function typoIndexOf(value: unknown, species: string, first: string): TypoIndex {
  assertTypos(value, species, first);
  let keys: PackedStrings;
  try {
    keys = new PackedStrings(unpackFrontCoded(value.keys, value.counts.length), value.counts.length);
  } catch (error) {
    throw new FormatError(`typo object ${JSON.stringify(first)} of ${species}: ${(error as Error).message}`);
  }
  const refStart = indexTable(value.counts.length + 1, value.kinds.length);
  for (let i = 0; i < value.counts.length; i++) refStart[i + 1] = refStart[i]! + value.counts[i]!;
  const refs = new Uint32Array(value.kinds.length);
  for (let r = 0; r < refs.length; r++) refs[r] = typoRef(value.kinds[r] === KIND.SYNONYM ? 1 : 0, value.granks[r]!);
  return new TypoIndex(keys, refStart, refs);
}
