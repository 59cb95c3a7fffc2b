/**
 * A prefix index over one species' labels. Pure data structure: no I/O, no runtime APIs.
 *
 * Labels arrive already in ranking order (natural order of the folded label, then raw code
 * point; see snapshot/natural.ts), so the best `limit` matches are simply the matches with
 * the smallest positions. A second view lists positions sorted by folded key in UTF-16
 * code-unit order: there, the matches of any prefix are one run, found by two binary searches
 * with native string comparisons. A sparse table over that view then yields
 * - the run's smallest position in O(1). When the folded query ends in a non-digit, its
 *   matches are also one run of the ranking order (proof in docs/design.md), so the answer is
 *   the `limit` positions from there;
 * - otherwise (`gm1`: `Gm2` ranks between `Gm136` and `Gm1043`) the `limit` smallest
 *   positions of the run in O(limit · log limit).
 */
import { fold } from '../../snapshot/fold.ts';
import { RangeMin, smallestInRange } from './range-min.ts';

export interface SearchResult {
  /** How many labels match in all. */
  total: number;
  /** Positions (into `labels`) of the best matches, best first. */
  positions: number[];
}

function endsWithDigit(s: string): boolean {
  const c = s.charCodeAt(s.length - 1);
  return c >= 48 && c <= 57;
}

/**
 * Keys are bucketed by their first two UTF-16 units when both are ASCII (a key of one unit
 * counts its second as 0); bucket index c0·128 + c1. Other keys sort after every ASCII
 * bucket and share the last one. 64 KiB per species buys ~5 fewer string comparisons.
 */
const ASCII = 128;
const BUCKETS = ASCII * ASCII;

function bucketOf(key: string): number {
  const c0 = key.charCodeAt(0);
  if (c0 >= ASCII) return BUCKETS;
  const c1 = key.length > 1 ? key.charCodeAt(1) : 0;
  return c1 >= ASCII ? c0 * ASCII + ASCII - 1 : c0 * ASCII + c1;
}

export class PrefixIndex {
  readonly labels: readonly string[];
  /** Folded labels sorted in code-unit order. */
  private readonly sortedKeys: string[];
  /** sortedKeys[i] is the key of labels[byKey[i]]. */
  private readonly byKey: Uint32Array;
  /** bucketStart[b]: the first sorted key whose bucket is >= b (b <= BUCKETS). */
  private readonly bucketStart: Uint32Array;
  private readonly rangeMin: RangeMin;

  /** @param labels distinct labels in ranking order (as a shard stores them). */
  constructor(labels: readonly string[]) {
    this.labels = labels;
    const keys = labels.map(fold);
    const order = Array.from({ length: keys.length }, (_, i) => i);
    order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
    this.byKey = Uint32Array.from(order);
    this.sortedKeys = order.map((i) => keys[i]!);
    this.bucketStart = new Uint32Array(BUCKETS + 2);
    let at = 0;
    for (let b = 0; b <= BUCKETS + 1; b++) {
      while (at < this.sortedKeys.length && bucketOf(this.sortedKeys[at]!) < b) at++;
      this.bucketStart[b] = at;
    }
    this.rangeMin = new RangeMin(this.byKey);
  }

  get size(): number {
    return this.labels.length;
  }

  /** Bytes of the index's own arrays (the label and key strings are not counted). */
  get overheadBytes(): number {
    return this.byKey.byteLength * 2 + this.rangeMin.byteLength + this.bucketStart.byteLength;
  }

  /** Labels whose folded form starts with fold(query.trim()), best first. */
  search(query: string, limit: number): SearchResult {
    const prefix = fold(query.trim());
    if (prefix === '' || limit <= 0) return { total: 0, positions: [] };
    const keys = this.sortedKeys;
    let from: number;
    let to: number;
    const b = bucketOf(prefix);
    if (prefix.length === 1 && b < BUCKETS) {
      // A one-character ASCII prefix matches exactly the buckets of its first unit.
      from = this.bucketStart[b]!;
      to = this.bucketStart[b + ASCII]!;
    } else {
      let lo = this.bucketStart[b]!;
      let hi = this.bucketStart[b + 1]!;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid]! < prefix) lo = mid + 1;
        else hi = mid;
      }
      from = lo;
      // Matches are usually few: gallop from the first one, then bisect.
      let step = 1;
      hi = from;
      while (hi < keys.length && keys[hi]!.startsWith(prefix)) {
        lo = hi + 1;
        hi = Math.min(from + (step *= 2), keys.length);
      }
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid]!.startsWith(prefix)) lo = mid + 1;
        else hi = mid;
      }
      to = lo;
    }
    const total = to - from;
    if (total === 0) return { total, positions: [] };
    if (endsWithDigit(prefix)) return { total, positions: smallestInRange(this.rangeMin, this.byKey, from, to, limit) };
    const first = this.byKey[this.rangeMin.argmin(from, to)]!;
    const positions: number[] = [];
    for (let i = first, end = first + Math.min(total, limit); i < end; i++) positions.push(i);
    return { total, positions };
  }
}
