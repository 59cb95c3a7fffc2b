/**
 * The typo fallback: labels and synonyms within one edit (queries of 4-7 characters) or two
 * (8+) of the query as a prefix, keeping the first character. Edits are insertions,
 * deletions, substitutions and transpositions of adjacent characters (optimal string
 * alignment distance). Pure data structure: no I/O.
 *
 * The names sharing a first character form a trie, in level order so that the children of any
 * run of nodes are a run one level down, with the nodes of each level also listed by unit. The
 * search walks the trie with a band of distance rows, a whole set of nodes per step where their
 * rows are equal (docs/design.md, "Typo fallback").
 */
import { assertTypos, FormatError, type TypoObject } from '../../snapshot/format.ts';
import { COUNT_BASE, indexTable, PackedInts, packedLength, unitsOf, type IndexTable } from '../../snapshot/packed.ts';

/**
 * Best score and key per label rank in the search under way, valid where stamp[grank] is the
 * search's epoch. Shared by every index: a search never yields, so two never interleave, and
 * an isolate holding dozens of typo indexes pays for one scratch.
 */
const scratch = { stamp: new Uint32Array(0), best: new Float64Array(0), bestKey: new Int32Array(0), epoch: 0 };

function growScratch(size: number): void {
  const n = Math.max(size, scratch.stamp.length * 2);
  const grown = { stamp: new Uint32Array(n), best: new Float64Array(n), bestKey: new Int32Array(n) };
  grown.stamp.set(scratch.stamp);
  grown.best.set(scratch.best);
  grown.bestKey.set(scratch.bestKey);
  Object.assign(scratch, grown);
}

/** Larger than any distance the walk keeps. */
const FAR = 99;

/** A unit no query has: the generic nodes of a step, or all children. */
const NONE = -1;

/** A name's reference: kind (0 label, 1 synonym) above the label's global rank. */
const KIND_SCALE = 2 ** 26;
export const refGrank = (ref: number) => ref % KIND_SCALE;
export const refIsSynonym = (ref: number) => ref >= KIND_SCALE;

export interface TypoHit {
  /** Index of the matched key (keyOf gives it back as a string). */
  key: number;
  /** The matched name's reference (kind and label rank). */
  ref: number;
  distance: number;
  /** The whole key is that close, not only a prefix of it. */
  whole: boolean;
}

/**
 * The trie of distinct keys, nodes in level order (by depth, then key order): a node's
 * children are consecutive, and so are the children of any run of nodes at one depth. Keys
 * are numbered in the order of the nodes that end them: shorter first, then in code-unit order.
 */
interface Trie {
  /** Per node, the UTF-16 unit on the edge into it; node 0 is the first character (depth 1). */
  units: Uint8Array | Uint16Array;
  /** Node v's children are [childStart[v], childStart[v + 1]); one more entry. */
  childStart: IndexTable;
  /** The keys ended by nodes before v: node v ends key endRank[v] iff endRank[v + 1] > endRank[v]; one more entry. */
  endRank: IndexTable;
  /** The nodes at depth d are [depthStart[d], depthStart[d + 1]) (depthStart[0] unused). */
  depthStart: number[];
}

/** Level lists reach this deep; below, runs of nodes are short enough to look through. */
const LEVEL_DEPTH = 16;
/**
 * Runs of up to this many nodes look their children up one node at a time: building a level's
 * lists costs a pass over the whole level, which a cold isolate runs unoptimised (about 1-2 ms
 * of a cold typo query for human in a fresh Node process), while a short run's lookups cost
 * about what bisecting the lists would.
 */
const SHORT_RUN = 64;

/**
 * The nodes of one depth (down to LEVEL_DEPTH) listed by unit, each list in level order: the
 * nodes on one unit among the children of a run of nodes are one range of its list, found by
 * bisection. What makes a step over many nodes cheap: the few on a wanted unit are found
 * without looking at the others. Built the first time a walk steps a run of more than
 * SHORT_RUN nodes at that depth: walks stay near the query's length, and long names put
 * most nodes far below it.
 */
interface Level {
  /** The units at this depth, ascending; `ascii` maps an ASCII unit to its index there (-1: none). */
  alphabet: Uint16Array;
  ascii: Int16Array;
  /** The list of unit index u is nodes[starts[u], starts[u + 1]). */
  starts: IndexTable;
  nodes: IndexTable;
}

type Nodes = IndexTable | Int32Array;

export class TypoIndex {
  private readonly units: Uint8Array | Uint16Array;
  private readonly childStart: IndexTable;
  private readonly endRank: IndexTable;
  private readonly depthStart: readonly number[];
  /** Per depth, its level lists once a walk has needed them (buildLevel). */
  private readonly levels: (Level | undefined)[] = [];
  private readonly maxLevel: number;
  /** Refs of key k: refs[refStart[k] .. refStart[k + 1]), packed as label rank * 2 + (synonym ? 1 : 0). */
  private readonly refStart: IndexTable;
  private readonly refs: PackedInts;
  // The search under way (a search never yields: one state per index will do).
  /** The query's UTF-16 units. */
  private q = new Int32Array(32);
  private m = 0;
  private budget = 0;
  /** Distance rows by depth, m + 1 columns each; only a band of each is filled. */
  private rows = new Int32Array(0);
  /** Per depth, the generic row of the step under way there (see visit), laid out as rows. */
  private generic = new Int32Array(0);
  /** Per depth, the distinct query units children there are looked up on: units[from[d], to[d]). */
  private window = { units: new Int32Array(0), from: new Int32Array(0), to: new Int32Array(0) };
  /** Per depth, room for a list of nodes (children of nodes that are not a run). */
  private lists: Int32Array[] = [];
  /** What children() found: [from, to) of `list`, or node numbers from..to-1 when null. */
  private readonly found: { from: number; to: number; list: Nodes | null } = { from: 0, to: 0, list: null };
  private exclude: (grank: number) => boolean = () => false;
  private touched: number[] = [];

  constructor(trie: Trie, refStart: IndexTable, refs: PackedInts) {
    this.units = trie.units;
    this.childStart = trie.childStart;
    this.endRank = trie.endRank;
    this.depthStart = trie.depthStart;
    this.maxLevel = Math.max(0, Math.min(trie.depthStart.length - 2, LEVEL_DEPTH));
    this.refStart = refStart;
    this.refs = refs;
  }

  /** Keys (distinct names) held. */
  get size(): number {
    return this.refStart.length - 1;
  }

  /** Bytes held once every level has been built (the memory budget counts what an index can grow to). */
  get byteLength(): number {
    const { units, childStart, endRank, refStart, refs, maxLevel } = this;
    const listed = maxLevel >= 1 ? this.depthStart[maxLevel + 1]! : 0;
    // Per level: its nodes, its ASCII map, and a few dozen units with their starts.
    const levelBytes = indexTable(listed, listed).byteLength + maxLevel * 400;
    return units.byteLength + childStart.byteLength + endRank.byteLength + levelBytes + refStart.byteLength + refs.byteLength;
  }

  /** Key `key` as a string, read off the trie from the node that ends it up. */
  keyOf(key: number): string {
    const { units, endRank } = this;
    // The node that ends it: the first whose rank reaches past it.
    let lo = 0;
    let hi = units.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (endRank[mid + 1]! <= key) lo = mid + 1;
      else hi = mid;
    }
    let out = '';
    for (let v = lo; v > 0; v = this.parent(v)) out = String.fromCharCode(units[v]!) + out;
    return String.fromCharCode(units[0]!) + out;
  }

  /** Node v's parent (v > 0): the last node whose children start at or before v. */
  private parent(v: number): number {
    const childStart = this.childStart;
    let lo = 0;
    let hi = v - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (childStart[mid]! <= v) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The best `limit` labels within `budget` edits of `fq` (fq[0] kept), each label once:
   * closest first, then whole-key matches, then labels before synonyms, then label rank; of
   * a label's equally close names, the shortest, then the first in code-unit order. Labels
   * for which `exclude(grank)` holds are skipped: the caller excludes at least the labels that
   * tiers 1-5 found, which include every label with a name starting with fq (distance 0).
   */
  search(fq: string, budget: number, limit: number, exclude: (grank: number) => boolean): TypoHit[] {
    const m = fq.length;
    if (budget <= 0 || limit <= 0 || m < 2 || this.units.length === 0 || fq.charCodeAt(0) !== this.units[0]) return [];
    if (this.q.length < m) this.q = new Int32Array(2 * m);
    for (let j = 0; j < m; j++) this.q[j] = fq.charCodeAt(j);
    this.m = m;
    this.exclude = exclude;
    this.touched = [];
    scratch.epoch++;
    // Closest come first: two-edit matches can rank among the best `limit` only when one edit
    // gives fewer labels, and only then are they looked for.
    this.walk(1);
    if (budget >= 2 && this.touched.length < limit) this.walk(budget);
    const { best, bestKey } = scratch;
    const top = this.touched.sort((a, b) => best[a]! - best[b]!).slice(0, limit);
    return top.map((grank) => {
      const s = best[grank]!;
      const quality = Math.floor(s / (2 * KIND_SCALE));
      return { key: bestKey[grank]!, ref: s % (2 * KIND_SCALE), distance: quality >> 1, whole: (quality & 1) === 0 };
    });
  }

  /** The level lists of `depth`: its nodes counted by unit, then placed by unit. */
  private buildLevel(depth: number): Level {
    const units = this.units;
    const from = this.depthStart[depth]!;
    const to = this.depthStart[depth + 1]!;
    // Names are mostly ASCII: count those in a table, and the rest in a map.
    const ascii = new Int16Array(128).fill(-1);
    const counts = new Uint32Array(128);
    const wide = new Map<number, number>();
    for (let v = from; v < to; v++) {
      const unit = units[v]!;
      if (unit < 128) counts[unit]!++;
      else wide.set(unit, (wide.get(unit) ?? 0) + 1);
    }
    const size = counts.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
    const alphabet = new Uint16Array(size + wide.size);
    const starts = indexTable(alphabet.length + 1, to - from);
    let u = 0;
    for (let unit = 0; unit < 128; unit++) {
      if (counts[unit] === 0) continue;
      ascii[unit] = u;
      alphabet[u] = unit;
      starts[u + 1] = starts[u]! + counts[unit]!;
      u++;
    }
    for (const unit of [...wide.keys()].sort((a, b) => a - b)) {
      alphabet[u] = unit;
      starts[u + 1] = starts[u]! + wide.get(unit)!;
      u++;
    }
    const nodes = indexTable(to - from, to);
    const next = Uint32Array.from(starts.subarray(0, alphabet.length));
    for (let v = from; v < to; v++) {
      const unit = units[v]!;
      nodes[next[unit < 128 ? ascii[unit]! : alphabet.indexOf(unit)]!++] = v;
    }
    return (this.levels[depth] = { alphabet, ascii, starts, nodes });
  }

  /** Field by field: a destructuring `[a, b] = [x, y]` builds an array, and a cold isolate runs it as written. */
  private setFound(from: number, to: number, list: Nodes | null): void {
    const found = this.found;
    found.from = from;
    found.to = to;
    found.list = list;
  }

  /** Whether node v ends a key (key endRank[v]). */
  private endsKey(v: number): boolean {
    return this.endRank[v + 1]! > this.endRank[v]!;
  }

  /** The child of node v on unit `unit`, or -1. */
  private child(v: number, unit: number): number {
    const units = this.units;
    const end = this.childStart[v + 1]!;
    let lo = this.childStart[v]!;
    // Bisect while many are left (the root has dozens of children), then scan.
    for (let hi = end; hi - lo > 8; ) {
      const mid = (lo + hi) >>> 1;
      if (units[mid]! < unit) lo = mid + 1;
      else hi = mid;
    }
    for (; lo < end; lo++) {
      const u = units[lo]!;
      if (u >= unit) return u === unit ? lo : -1;
    }
    return -1;
  }

  /** The node reached from v by the query's units [from, m), or -1. */
  private follow(v: number, from: number): number {
    const { q, m } = this;
    for (let j = from; j < m && v >= 0; j++) v = this.child(v, q[j]!);
    return v;
  }

  /**
   * Node w (or -1) is at `distance` from the whole query, and the nodes above it on the path at
   * `closest` at best: every key below matches at least this closely by a prefix (emitted
   * where the path first gets this close; the walk below may find better), and its own key, if
   * it ends one there, matches whole.
   */
  private reach(w: number, distance: number, closest: number): void {
    if (w < 0) return;
    const { childStart, endRank } = this;
    if (distance < closest) {
      // Below w, each depth holds a run of nodes, and the keys they end are a run of numbers.
      for (let a = w, b = w + 1; a < b; a = childStart[a]!, b = childStart[b]!) {
        for (let key = endRank[a]!, end = endRank[b]!; key < end; key++) this.emit(key, distance, false);
      }
    }
    if (distance <= closest && this.endsKey(w)) this.emit(endRank[w]!, distance, true);
  }

  private emit(key: number, distance: number, whole: boolean): void {
    const { refStart, refs } = this;
    const quality = (distance * 2 + (whole ? 0 : 1)) * 2 * KIND_SCALE;
    for (let r = refStart[key]!, end = refStart[key + 1]!; r < end; r++) {
      const packed = refs.get(r);
      const grank = packed >>> 1;
      const ref = (packed & 1) * KIND_SCALE + grank;
      if (this.exclude(grank)) continue;
      const s = quality + ref;
      if (grank >= scratch.stamp.length) growScratch(grank + 1);
      if (scratch.stamp[grank] !== scratch.epoch) {
        scratch.stamp[grank] = scratch.epoch;
        this.touched.push(grank);
      } else if (s > scratch.best[grank]! || (s === scratch.best[grank] && key >= scratch.bestKey[grank]!)) continue;
      scratch.best[grank] = s;
      scratch.bestKey[grank] = key;
    }
  }

  /**
   * Whether some node below the run [a, b) at `depth` (or in it) lies at `wanted` depth: only a
   * name that long can be within the budget of the whole query.
   */
  private reachesDepth(depth: number, a: number, b: number, wanted: number): boolean {
    const childStart = this.childStart;
    for (let d = depth, lo = a, hi = b; lo < hi; d++, lo = childStart[lo]!, hi = childStart[hi]!) if (d >= wanted) return true;
    return false;
  }

  /** Everything within `budget` edits, from the first character's node, whose row is the query against it. */
  private walk(budget: number): void {
    const { m } = this;
    this.budget = budget;
    const depths = m + budget + 2;
    if (this.rows.length < depths * (m + 1)) this.rows = new Int32Array(2 * depths * (m + 1));
    for (let j = 0; j <= m; j++) this.rows[j] = j;
    if (this.generic.length < this.rows.length) this.generic = new Int32Array(this.rows.length);
    const width = 2 * budget + 3;
    if (this.window.from.length < depths || this.window.units.length < depths * width) {
      this.window = { units: new Int32Array(2 * depths * width), from: new Int32Array(2 * depths), to: new Int32Array(2 * depths) };
    }
    this.window.to.fill(-1);
    while (this.lists.length <= depths) this.lists.push(new Int32Array(64));
    this.step(1, this.units[0]!, NONE);
    this.visit(1, 0, 1, null, this.units[0]!, FAR);
  }

  /**
   * Fills the band of the distance row at `depth` (the columns within `budget` of it; outside
   * it every distance exceeds the budget) for a prefix ending in `c` after `prev` (optimal
   * string alignment; NONE matches no unit).
   */
  private step(depth: number, c: number, prev: number): void {
    const { q, m, budget, rows } = this;
    const row = depth * (m + 1);
    const up = row - (m + 1);
    const upup = up - (m + 1);
    const lo = depth > budget ? depth - budget : 0;
    const hi = depth + budget < m ? depth + budget : m;
    // Row depth - 1's band ends one column earlier, unless both reach the query's end.
    const hiUp = depth + budget > m ? m : hi - 1;
    let left = FAR;
    for (let j = lo; j <= hi; j++) {
      let d = depth;
      if (j > 0) {
        d = rows[up + j - 1]! + (q[j - 1] === c ? 0 : 1);
        if (j <= hiUp && rows[up + j]! < d) d = rows[up + j]! + 1;
        if (left < d) d = left + 1;
        if (j >= 2 && c === q[j - 2] && prev === q[j - 1] && rows[upup + j - 2]! < d) d = rows[upup + j - 2]! + 1;
      }
      rows[row + j] = d;
      left = d;
    }
  }

  /**
   * The distinct query units that children at `depth` are looked up on: those their rows, or
   * their own children's transpositions, compare them with.
   */
  private windowAt(depth: number): void {
    const { q, m, budget, window } = this;
    if (window.to[depth]! >= 0) return;
    const at = depth * (2 * budget + 3);
    let n = at;
    for (let i = Math.max(0, depth - budget - 2), last = Math.min(m - 1, depth + budget); i <= last; i++) {
      let seen = false;
      for (let k = at; k < n && !seen; k++) seen = window.units[k] === q[i];
      if (!seen) window.units[n++] = q[i]!;
    }
    window.from[depth] = at;
    window.to[depth] = n;
  }

  /**
   * Whether children on `w`, below nodes at `depth` whose row is rows[depth] and whose own row
   * was just filled at depth + 1, fare exactly as generic ones (this.generic): the same
   * distances wherever either is within the budget, and no transposition that `w` could
   * complete for their own children (one reads rows[depth] two columns back where w is the
   * query's unit before). Then they are left among the generic children.
   */
  private asGeneric(depth: number, w: number): boolean {
    const { q, m, budget, rows, generic } = this;
    const row = (depth + 1) * (m + 1);
    // generic[row + j] holds the generic row of this step (rows[row + j] the special one).
    const lo = depth + 1 > budget ? depth + 1 - budget : 0;
    const hi = depth + 1 + budget < m ? depth + 1 + budget : m;
    for (let j = lo; j <= hi; j++) {
      const s = rows[row + j]!;
      const g = generic[row + j]!;
      if (s !== g && (s <= budget || g <= budget)) return false;
    }
    const up = depth * (m + 1);
    for (let j = Math.max(2, depth + 2 - budget), last = Math.min(m, depth + 2 + budget); j <= last; j++) {
      if (q[j - 1] === w && rows[up + j - 2]! < budget) return false;
    }
    return true;
  }

  /**
   * Puts in `found` the children on `unit` (all of them, for NONE) of the nodes [from, to) at
   * `depth` (of `list`, or the run of node numbers when null): a run, a range of a level list,
   * or a list of their own at depth + 1.
   */
  private children(depth: number, from: number, to: number, list: Nodes | null, unit: number): void {
    const childStart = this.childStart;
    if (list === null && (unit === NONE || to - from === 1)) {
      if (unit === NONE) this.setFound(childStart[from]!, childStart[to]!, null);
      else {
        const c = this.child(from, unit);
        if (c < 0) this.setFound(0, 0, null);
        else this.setFound(c, c + 1, null);
      }
      return;
    }
    if (unit !== NONE && depth + 1 <= this.maxLevel && to - from > SHORT_RUN) {
      this.setFound(0, 0, null);
      const level = this.levels[depth + 1] ?? this.buildLevel(depth + 1);
      const u = unit < 128 ? level.ascii[unit]! : level.alphabet.indexOf(unit);
      if (u < 0) return;
      // The nodes on `unit` one level down whose numbers lie among the children of these nodes.
      const nodes = level.nodes;
      const lowest = childStart[list === null ? from : list[from]!]!;
      const highest = childStart[(list === null ? to - 1 : list[to - 1]!) + 1]!;
      const last = level.starts[u + 1]!;
      let lo = level.starts[u]!;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (nodes[mid]! < lowest) lo = mid + 1;
        else hi = mid;
      }
      let end = lo;
      hi = last;
      while (end < hi) {
        const mid = (end + hi) >>> 1;
        if (nodes[mid]! < highest) end = mid + 1;
        else hi = mid;
      }
      // The children of a run are a run one level down: those are all its children on `unit`.
      if (list === null) {
        this.setFound(lo, end, nodes);
        return;
      }
      // Nodes scattered along a level: keep those whose parent is one of them, in one pass
      // over both lists (a node's parent is the last node whose children start at or before it).
      if (end - lo <= 4 * (to - from)) {
        let out = this.lists[depth + 1]!;
        if (out.length < end - lo) out = this.lists[depth + 1] = grow(out, end - lo);
        let n = 0;
        for (let k = lo, i = from; k < end; k++) {
          const c = nodes[k]!;
          while (childStart[list[i]! + 1]! <= c) i++;
          if (childStart[list[i]!]! <= c) out[n++] = c;
        }
        this.setFound(0, n, out);
        return;
      }
    }
    let out = this.lists[depth + 1]!;
    let n = 0;
    for (let i = from; i < to; i++) {
      const v = list === null ? i : list[i]!;
      if (unit === NONE) {
        const first = childStart[v]!;
        const last = childStart[v + 1]!;
        if (n + last - first > out.length) out = this.lists[depth + 1] = grow(out, n + last - first);
        for (let c = first; c < last; c++) out[n++] = c;
      } else {
        const c = this.child(v, unit);
        if (c < 0) continue;
        if (n === out.length) out = this.lists[depth + 1] = grow(out, n + 1);
        out[n++] = c;
      }
    }
    this.setFound(0, n, out);
  }

  /**
   * One step of the walk: nodes at `depth` (the run [from, to), or list[from, to)) that share
   * one distance row, rows[depth], and, unless NONE, one unit; `closest` is the least distance
   * of the query to any shorter prefix above them.
   *
   * Their children either carry a unit that the query has near this depth (special: each such
   * unit gets its own row, shared by the children on it), or not (generic: whatever their
   * unit, their rows are one and the same, so they are stepped together). A child reached
   * through a parent other than its own this way gets a row no lower than its own, which is
   * harmless: every node also gets its own row, on its own path. Once no edit is left, only
   * children on the query's next units can stay within the budget: they are looked up, never
   * scanned. So a step costs what its few special nodes cost, however many generic ones it
   * stands for: near the root, where every path is still within two edits of the query, nodes
   * are not visited one by one.
   */
  private visit(depth: number, from: number, to: number, list: Nodes | null, unit: number, closest: number): void {
    if (from >= to) return;
    const { q, m, budget, rows, found } = this;
    if (!this.reachesDepth(depth, list === null ? from : list[from]!, list === null ? to : list[to - 1]! + 1, m - budget)) return;
    const row = depth * (m + 1);
    const dist = depth + budget >= m ? rows[row + m]! : FAR;
    if (dist <= budget) for (let i = from; i < to; i++) this.reach(list === null ? i : list[i]!, dist, closest);
    const near = dist < closest ? dist : closest;
    const lo = depth > budget ? depth - budget : 0;
    const hi = depth + budget < m ? depth + budget : m;
    let least = FAR;
    for (let j = lo; j <= hi; j++) if (rows[row + j]! < least) least = rows[row + j]!;
    if (least < budget) {
      this.windowAt(depth + 1);
      const window = this.window;
      // The generic row, kept aside: children on a unit that fare exactly as generic ones are
      // left among them.
      const next = row + (m + 1);
      this.step(depth + 1, NONE, NONE);
      const generic = this.generic;
      // Only the band is ever read.
      const bandFrom = next + (depth + 1 > budget ? depth + 1 - budget : 0);
      const bandTo = next + (depth + 1 + budget < m ? depth + 1 + budget : m);
      for (let i = bandFrom; i <= bandTo; i++) generic[i] = rows[i]!;
      for (let k = window.from[depth + 1]!, end = window.to[depth + 1]!; k < end; k++) {
        const w = window.units[k]!;
        this.step(depth + 1, w, unit);
        if (this.asGeneric(depth, w)) continue;
        this.children(depth, from, to, list, w);
        if (found.from >= found.to) continue;
        const { from: cFrom, to: cTo, list: cList } = found;
        this.visit(depth + 1, cFrom, cTo, cList, w, near);
      }
      this.children(depth, from, to, list, NONE);
      const { from: cFrom, to: cTo, list: cList } = found;
      for (let i = bandFrom; i <= bandTo; i++) rows[i] = generic[i]!;
      this.visit(depth + 1, cFrom, cTo, cList, NONE, near);
      return;
    }
    // No edit left. From a column at the budget only the rest of the query, matched exactly,
    // stays within it: the children on that column's unit, followed.
    for (let j = lo; j <= hi && j < m; j++) {
      if (rows[row + j] !== budget) continue;
      this.children(depth, from, to, list, q[j]!);
      const { from: cFrom, to: cTo, list: cList } = found;
      for (let i = cFrom; i < cTo; i++) this.reach(this.follow(cList === null ? i : cList[i]!, j + 1), budget, near);
    }
    // A transposition completing from the row before is the one other way on (never for
    // nodes of no one unit: generic ones lack the query's units here).
    if (unit === NONE) return;
    const up = row - (m + 1);
    for (let j = lo > 1 ? lo : 1; j <= hi && j < m; j++) {
      if (unit !== q[j] || rows[up + j - 1]! >= budget) continue;
      this.children(depth, from, to, list, q[j - 1]!);
      const { from: cFrom, to: cTo, list: cList } = found;
      this.step(depth + 1, q[j - 1]!, unit);
      this.visit(depth + 1, cFrom, cTo, cList, q[j - 1]!, near);
    }
  }
}

function grow(list: Int32Array, size: number): Int32Array {
  const grown = new Int32Array(Math.max(size, 2 * list.length));
  grown.set(list);
  return grown;
}

/** The typo index of a first character no name starts with. */
export function emptyTypoIndex(): TypoIndex {
  return new TypoIndex({ units: new Uint16Array(0), childStart: new Uint16Array(1), endRank: new Uint16Array(1), depthStart: [0, 0] }, new Uint16Array(1), new PackedInts('1', 0, 1));
}

/**
 * The trie a typo object lays out (snapshot/format.ts `TypoObject`), checked and its keys
 * numbered in one pass over the nodes; throws on a layout that is not a trie in level order, of
 * children in unit order, every leaf ending a name, whose first unit is `first`.
 */
function trieOf(object: TypoObject, first: string): { trie: Trie; keys: number } {
  const text = object.units;
  const n = text.length;
  if (n === 0 || text[0] !== first) throw new Error(`the trie must start with ${JSON.stringify(first)}`);
  const units = unitsOf(text);
  const fanout = unitsOf(object.fanout);
  const ends = unitsOf(object.ends);
  if (fanout.length !== n || ends.length !== n) throw new Error(`fanout and ends must hold ${n} counts`);
  // One pass, few steps per node: a cold isolate runs it unoptimised (docs/design.md, "Cold
  // decoding"). Children are numbered on from 1; node v's are [childStart[v], childStart[v + 1]).
  const childStart = indexTable(n + 1, n);
  const endRank = indexTable(n + 1, n);
  childStart[0] = 1;
  let rank = 0;
  for (let v = 0, start = 1; v < n; v++) {
    const end = start + fanout[v]! - COUNT_BASE;
    const ended = ends[v]! - COUNT_BASE;
    if (end < start || end > n) throw new Error(`children must place all ${n} nodes once`);
    if (ended >>> 1 !== 0) throw new Error('ends must be 0 or 1 per node');
    if (start === end && ended === 0) throw new Error('every leaf must end a name');
    childStart[v + 1] = end;
    rank += ended;
    endRank[v + 1] = rank;
    for (let c = start + 1; c < end; c++) if (units[c]! <= units[c - 1]!) throw new Error('children must come in unit order');
    start = end;
  }
  if (childStart[n] !== n) throw new Error(`children must place all ${n} nodes once`);
  // Level order: the children of each level are the whole next level, down to the last node.
  const depthStart = [0];
  let lo = 0;
  for (let hi = 1; lo < hi; [lo, hi] = [hi, childStart[hi]!]) {
    if (childStart[lo] !== hi) throw new Error(`children must place all ${n} nodes once`);
    depthStart.push(lo);
  }
  if (lo !== n) throw new Error(`children must place all ${n} nodes once`);
  depthStart.push(n);
  return { trie: { units, childStart, endRank, depthStart }, keys: rank };
}

/** Where each name's references start, from their counts (one each, at least 1); `total` references in all. */
function refStarts(text: string, keys: number, total: number): IndexTable {
  const counts = unitsOf(text);
  if (counts.length !== keys) throw new Error(`counts must hold ${keys} names`);
  const starts = indexTable(keys + 1, total);
  let at = 0;
  for (let k = 0; k < keys; k++) {
    const count = counts[k]! - COUNT_BASE;
    if (count < 1) throw new Error('every name must make a reference');
    at += count;
    starts[k + 1] = at;
  }
  if (at !== total) throw new Error(`refs must hold ${at} references`);
  return starts;
}

/** The typo index of a typo object (snapshot/format.ts `TypoObject`), validated. */
export function typoIndexOf(value: unknown, species: string, first: string): TypoIndex {
  assertTypos(value, species, first);
  try {
    const { trie, keys } = trieOf(value, first);
    // A text that holds a partial number gives a fractional total, which no whole count matches.
    const total = packedLength(value.refs);
    const refStart = refStarts(value.counts, keys, total);
    return new TypoIndex(trie, refStart, new PackedInts(value.refs, total, 2 * KIND_SCALE));
  } catch (error) {
    throw new FormatError(`typo object ${JSON.stringify(first)} of ${species}: ${(error as Error).message}`);
  }
}
