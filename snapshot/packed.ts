/**
 * A list of strings kept as one string and an offset table: one allocation instead of one per
 * string, so a parsed chunk costs about a byte per character instead of ~30 bytes per string.
 * In JSON it is the strings joined by '\n' (which no label, synonym or ID contains: the builder
 * replaces line breaks with spaces). Runtime-agnostic.
 */

export const SEPARATOR = '\n';

/** Joins strings for the JSON form; throws if one contains the separator. */
export function pack(strings: readonly string[]): string {
  for (const s of strings) if (s.includes(SEPARATOR)) throw new Error(`cannot pack a string with a line break: ${JSON.stringify(s)}`);
  return strings.join(SEPARATOR);
}

/** Prefix lengths are written as one character from '0' (48) up to '~' (126). */
export const FRONT_BASE = 48;
const FRONT_MAX = 126 - FRONT_BASE;

/**
 * Front coding of sorted strings, for the JSON form: each line is the length of the prefix it
 * shares with the line before (one character, '0' + length) and the rest of the string. Sorted
 * keys share long prefixes (stable IDs most of all), so this halves them before xz sees them.
 */
export function packFrontCoded(sorted: readonly string[]): string {
  const lines: string[] = [];
  let prev = '';
  for (const s of sorted) {
    if (s.includes(SEPARATOR)) throw new Error(`cannot pack a string with a line break: ${JSON.stringify(s)}`);
    let shared = 0;
    const max = Math.min(prev.length, s.length, FRONT_MAX);
    while (shared < max && prev.charCodeAt(shared) === s.charCodeAt(shared)) shared++;
    lines.push(String.fromCharCode(FRONT_BASE + shared) + s.slice(shared));
    prev = s;
  }
  return lines.join(SEPARATOR);
}

/** The inverse of packFrontCoded: the strings joined by the separator. */
export function unpackFrontCoded(text: string, count: number): string {
  const out = new Array<string>(count);
  let prev = '';
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at > text.length) throw new Error(`front-coded text holds fewer than ${count} strings`);
    const end = text.indexOf(SEPARATOR, at);
    const line = text.slice(at, end < 0 ? text.length : end);
    const shared = line.charCodeAt(0) - FRONT_BASE;
    if (!(shared >= 0 && shared <= Math.min(prev.length, FRONT_MAX))) throw new Error(`front-coded line ${i} is malformed`);
    prev = prev.slice(0, shared) + line.slice(1);
    out[i] = prev;
    at = (end < 0 ? text.length : end) + 1;
  }
  if (count > 0 ? at !== text.length + 1 : text !== '') throw new Error(`front-coded text holds more than ${count} strings`);
  return out.join(SEPARATOR);
}

/** What V8 keeps a string in: one byte per unit when every unit is Latin-1, else two per unit. */
export function stringBytes(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.length * (/[^\x00-\xff]/.test(text) ? 2 : 1);
}

/** A table of non-negative integers: one or two bytes each when its values allow, as most do. */
export type IndexTable = Uint8Array | Uint16Array | Uint32Array;

/** A zeroed table of `length` values, each at most `max`. */
export function indexTable(length: number, max: number): IndexTable {
  return max <= 0xff ? new Uint8Array(length) : max <= 0xffff ? new Uint16Array(length) : new Uint32Array(length);
}

export class PackedStrings {
  readonly text: string;
  /** String i is text[starts[i], starts[i + 1] - 1). */
  private readonly starts: IndexTable;

  /** Bytes held: the text (one byte per unit when it is Latin-1, else two) and the offsets. */
  readonly byteLength: number;

  /** @param count how many strings `text` holds; throws if it holds another number. */
  constructor(text: string, count: number) {
    this.text = text;
    this.starts = indexTable(count + 1, text.length + 1);
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at > text.length) throw new Error(`packed text holds fewer than ${count} strings`);
      this.starts[i] = at;
      const end = text.indexOf(SEPARATOR, at);
      at = (end < 0 ? text.length : end) + 1;
    }
    this.starts[count] = at;
    if (count > 0 ? at !== text.length + 1 : text !== '') throw new Error(`packed text holds more than ${count} strings`);
    this.byteLength = stringBytes(text) + this.starts.byteLength;
  }

  get length(): number {
    return this.starts.length - 1;
  }

  get(i: number): string {
    return this.text.slice(this.starts[i]!, this.starts[i + 1]! - 1);
  }

  lengthOf(i: number): number {
    return this.starts[i + 1]! - 1 - this.starts[i]!;
  }

  /** The UTF-16 unit at `at` of string i, or -1 past its end. */
  unitAt(i: number, at: number): number {
    return at < this.lengthOf(i) ? this.text.charCodeAt(this.starts[i]! + at) : -1;
  }

  /**
   * Compares string i with `s` in UTF-16 code-unit order, as `<` does, but only over the first
   * `s.length` units of string i: 0 when string i starts with `s`.
   */
  comparePrefix(i: number, s: string): number {
    const text = this.text;
    const from = this.starts[i]!;
    const len = this.starts[i + 1]! - 1 - from;
    const n = len < s.length ? len : s.length;
    for (let j = 0; j < n; j++) {
      const d = text.charCodeAt(from + j) - s.charCodeAt(j);
      if (d !== 0) return d;
    }
    return len < s.length ? -1 : 0;
  }

  /**
   * Like comparePrefix, from unit `offset` of string i on, against s[from..]: compares string
   * i's units [offset, offset + s.length - from) with them (shorter compares lower).
   */
  comparePrefixAt(i: number, offset: number, s: string, from = 0): number {
    const text = this.text;
    const at = this.starts[i]! + offset;
    const len = this.starts[i + 1]! - 1 - at;
    const want = s.length - from;
    const n = len < want ? len : want;
    for (let j = 0; j < n; j++) {
      const d = text.charCodeAt(at + j) - s.charCodeAt(from + j);
      if (d !== 0) return d;
    }
    return len < want ? -1 : 0;
  }

  /** Compares string i with `s` in UTF-16 code-unit order, as `<` does: negative, 0 or positive. */
  compare(i: number, s: string): number {
    const c = this.comparePrefix(i, s);
    return c !== 0 ? c : this.lengthOf(i) - s.length;
  }

  /** Whether string i starts with `s`. */
  startsWith(i: number, s: string): boolean {
    return this.comparePrefix(i, s) === 0;
  }
}

/** Digits of packed references: base64url, most significant first. */
const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DIGIT_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < DIGITS.length; i++) DIGIT_VALUE[DIGITS.charCodeAt(i)] = i;
/** Five digits hold 2^30: every rank fits. */
const MAX_WIDTH = 5;

/** The digit count that holds every value (base64url digits), and a writer of one value at it. */
function digitsFor(values: Iterable<number>): { width: number; write(n: number): string } {
  let max = 0;
  for (const v of values) {
    if (!(Number.isInteger(v) && v >= 0)) throw new Error(`cannot pack ${v}: not a non-negative integer`);
    if (v > max) max = v;
  }
  let width = 1;
  while (64 ** width <= max) width++;
  if (width > MAX_WIDTH) throw new Error(`cannot pack ${max}: too large`);
  return {
    width,
    write(n) {
      let out = '';
      for (let i = 0; i < width; i++, n = Math.floor(n / 64)) out = DIGITS[n % 64]! + out;
      return out;
    },
  };
}

/**
 * Packs non-negative integers below 2^30 into one string: the digit count per number ('1' to
 * '5'), then each number in base64url, all of that width. About three characters per number
 * instead of six, and JSON.parse makes one string rather than an array of numbers, which
 * reading back turns into a typed array directly.
 */
export function packInts(values: readonly number[]): string {
  const { width, write } = digitsFor(values);
  return String(width) + values.map(write).join('');
}

/** The digit count per number that a packInts text declares: its first character, '1' to '5'. */
function widthOf(text: string): number {
  return text.charCodeAt(0) - 48;
}

/** widthOf `text`, checked to hold exactly `count` numbers at it. */
function checkedWidth(text: string, count: number): number {
  const width = widthOf(text);
  if (!(width >= 1 && width <= MAX_WIDTH) || text.length !== 1 + count * width) throw new Error(`packed numbers do not hold ${count} numbers`);
  return width;
}

/** How many numbers a packInts text holds: not a whole number when the text is malformed (callers check it). */
export function packedLength(text: string): number {
  return (text.length - 1) / Math.max(1, widthOf(text));
}

/** The inverse of packInts for `count` numbers, each below `max`, in a table as narrow as they allow. Throws on anything else. */
export function unpackInts(text: string, count: number, max: number): IndexTable {
  const width = checkedWidth(text, count);
  const out = indexTable(count, max - 1);
  for (let i = 0, at = 1; i < count; i++) {
    let value = 0;
    for (let d = 0; d < width; d++) {
      const unit = text.charCodeAt(at++);
      const digit = unit < 128 ? DIGIT_VALUE[unit]! : -1;
      if (digit < 0) throw new Error(`packed numbers: bad digit at ${at - 1}`);
      value = value * 64 + digit;
    }
    if (value >= max) throw new Error(`packed number ${i} is ${value}, not below ${max}`);
    out[i] = value;
  }
  return out;
}

const ONLY_DIGITS = /^[A-Za-z0-9_-]*$/;

/**
 * Numbers packInts packed, read one at a time where they are used rather than unpacked up
 * front: a cold isolate checks them with one native pass (a regular expression) instead of
 * running a loop over every digit, and the text is as small as the table would be.
 */
export class PackedInts {
  readonly length: number;
  private readonly text: string;
  private readonly width: number;

  /** Throws unless `text` holds `count` numbers, each below `max`. */
  constructor(text: string, count: number, max: number) {
    const width = checkedWidth(text, count);
    if (!ONLY_DIGITS.test(text.slice(1))) throw new Error('packed numbers: bad digit');
    // Where the width allows values of max or more, look at each once.
    if (64 ** width > max) unpackInts(text, count, max);
    this.text = text;
    this.width = width;
    this.length = count;
  }

  get(i: number): number {
    const { text, width } = this;
    let value = 0;
    for (let at = 1 + i * width, end = at + width; at < end; at++) value = value * 64 + DIGIT_VALUE[text.charCodeAt(at)]!;
    return value;
  }

  /** Bytes held: the digits are ASCII, one byte each. */
  get byteLength(): number {
    return this.text.length;
  }
}

/** Small counts are written one character each, from '0' (48) on. */
export const COUNT_BASE = 48;
/** Below the surrogates, so that every count is one valid character. */
const COUNT_MAX = 0xd7ff - COUNT_BASE;

/**
 * Packs small non-negative integers (a node's child count, a name's reference count, a 0/1
 * flag) one character each: '0' + n. They are nearly always ASCII, which a reader turns into
 * bytes natively (unitsOf) instead of stepping through bits: a cold isolate runs its loops
 * interpreted, where each step costs.
 */
export function packCounts(values: readonly number[]): string {
  let out = '';
  for (const v of values) {
    if (!(Number.isInteger(v) && v >= 0 && v <= COUNT_MAX)) throw new Error(`cannot pack ${v} as a count`);
    out += String.fromCharCode(COUNT_BASE + v);
  }
  return out;
}

/** A string's UTF-16 units: encoded natively when it is ASCII (as names and counts mostly are), else one by one. */
export function unitsOf(text: string): Uint8Array | Uint16Array {
  const ascii = new TextEncoder().encode(text);
  if (ascii.length === text.length) return ascii;
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return units;
}
