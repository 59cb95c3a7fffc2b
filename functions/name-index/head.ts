/**
 * A string's first four UTF-16 units as one number, a byte each: unit u as u + 1, so that no
 * unit reads as the 0 that pads after the string's end; a unit of 254 or more reads as 255 and
 * ends the head (0 after it). So s <= t gives headOf(s) <= headOf(t). Where two heads differ
 * they order their strings, and a string whose head is below a prefix's sorts before every
 * string that starts with the prefix: most of a bisection over sorted keys or separators
 * compares numbers.
 */
export function headOf(s: string): number {
  let head = 0;
  for (let j = 0; j < 4; j++) {
    const unit = j < s.length ? s.charCodeAt(j) + 1 : 0;
    if (unit >= 255) return (head * 256 + 255) * 256 ** (3 - j);
    head = head * 256 + unit;
  }
  return head;
}

/**
 * Whether headOf(s) holds all of s (under four units, each below 254): then no other string
 * has its head, and the strings that start with s have heads from it up to, not including,
 * headOf(s) + 256 ** (4 - s.length).
 */
export function headHoldsAll(s: string): boolean {
  if (s.length >= 4) return false;
  for (let j = 0; j < s.length; j++) if (s.charCodeAt(j) >= 254) return false;
  return true;
}

/** The first index whose head is at least (`strict`: above) `head`, in ascending `heads` [lo, hi). */
export function bisectHeads(heads: Uint32Array, head: number, strict: boolean, lo = 0, hi = heads.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (heads[mid]! < head || (strict && heads[mid] === head)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
