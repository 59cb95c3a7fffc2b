/**
 * What a species was built from, as fingerprints that do not depend on row order (MySQL
 * promises none) and that MySQL computes itself: a refresh compares them with the published
 * `input_hash` without reading an unchanged species' rows (docs/refresh.md, "Fingerprints").
 *
 * Every input record (a gene_autocomplete row; a core gene; a synonym of a core gene) is written
 * as a text, and the text becomes a 64-bit value, CRC32(text) × (CRC32(REVERSE(text)) | 1):
 * functions that MySQL 5.7/8 and MariaDB all have and that cost the server about what reading
 * the rows costs. CRC32 alone is linear, so some changes cancel in a sum (two rows of equal
 * lengths swapping their labels); the product of two different linear checksums does not. A
 * fingerprint is the count and the exact sum of the values: a record added, removed, doubled or
 * changed changes it. The input hash is the SHA-256 of BUILD_REVISION, the species and its
 * fingerprints.
 *
 * MySQL computes the values over the bytes of the columns' character set, Node (TSV input) over
 * UTF-8; they agree where those bytes agree (ASCII, or utf8mb4 tables).
 */
import { createHash, randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** Bump when the builder's output for the same input changes (format, chunking, ranking). */
export const BUILD_REVISION = 6;

/** How many records, and the exact sum of their values. */
export interface Fingerprint {
  count: number;
  sum: bigint;
}

export function sameFingerprint(a: Fingerprint | null | undefined, b: Fingerprint | null | undefined): boolean {
  return a === b || (!!a && !!b && a.count === b.count && a.sum === b.sum);
}

/** Adds up record values (bigints, or the numbers and decimal strings MySQL sends). */
export class FingerprintSum {
  count = 0;
  sum = 0n;

  add(value: bigint | number | string): void {
    this.count++;
    this.sum += BigInt(value);
  }

  addAll(other: Fingerprint): void {
    this.count += other.count;
    this.sum += other.sum;
  }

  get fingerprint(): Fingerprint {
    return { count: this.count, sum: this.sum };
  }
}

// ------------------------------------------------------------------ the record texts

const TAB = '\t';

/**
 * The text of a gene_autocomplete row: its non-NULL columns joined by tabs, then a digit saying
 * which were NULL (1: label, 2: location, 4: stable ID). Ambiguous only for values holding tabs.
 */
export function rowText(stableId: string | null, label: string | null, location: string | null): string {
  const parts: string[] = [];
  if (stableId !== null) parts.push(stableId);
  if (label !== null) parts.push(label);
  if (location !== null) parts.push(location);
  parts.push(String((label === null ? 1 : 0) + (location === null ? 2 : 0) + (stableId === null ? 4 : 0)));
  return parts.join(TAB);
}

/** The same text in SQL (CONCAT_WS leaves NULLs out), over gene_autocomplete's columns. */
export const ROW_TEXT_SQL = `CONCAT_WS('${TAB}', stable_id, display_label, location, (display_label IS NULL) + 2 * (location IS NULL) + 4 * (stable_id IS NULL))`;

/**
 * Core data is fingerprinted as the three relations it is built from, in a core database's
 * own terms: the gene biotypes' groups, the current genes (stable ID, biotype, display xref)
 * and the synonyms of those xrefs. The records (texts in SQL, over each table's columns):
 */
export const CORE_TEXT_SQL = {
  biotype: `CONCAT_WS('${TAB}', 'b', name, biotype_group, biotype_group IS NULL)`,
  gene: `CONCAT_WS('${TAB}', 'g', stable_id, biotype, display_xref_id, (biotype IS NULL) + 2 * (display_xref_id IS NULL))`,
  synonym: `CONCAT_WS('${TAB}', 's', xref_id, synonym)`,
} as const;

/** A core TSV row (one gene and one of its synonyms, or none): its text, NULLs flagged as in rowText. */
export function coreRowText(stableId: string, biotype: string | null, group: string | null, synonym: string | null): string {
  const parts = ['t', stableId];
  if (biotype !== null) parts.push(biotype);
  if (group !== null) parts.push(group);
  if (synonym !== null) parts.push(synonym);
  parts.push(String((biotype === null ? 1 : 0) + (group === null ? 2 : 0) + (synonym === null ? 4 : 0)));
  return parts.join(TAB);
}

// ------------------------------------------------------------------ the value of a text

/** A text's value in SQL (the text expression appears twice: MySQL does not share it). */
export function valueSql(text: string): string {
  return `CRC32(${text}) * (CRC32(REVERSE(${text})) | 1)`;
}

/** REVERSE reverses characters, not UTF-16 units. */
function reverseCodePoints(text: string): string {
  return Array.from(text).reverse().join('');
}

let scratch = Buffer.alloc(1024);

/** A text's value over its UTF-8 bytes, as MySQL computes it for utf8mb4 (or ASCII) columns. */
export function textValue(text: string): bigint {
  if (scratch.length < text.length * 3) scratch = Buffer.alloc(text.length * 3);
  const n = scratch.write(text, 'utf8');
  const bytes = scratch.subarray(0, n);
  const forward = crc32(bytes);
  // One byte per character (ASCII): the reversed characters are the reversed bytes.
  const backward = n === text.length ? crc32(bytes.reverse()) : crc32(reverseCodePoints(text));
  return BigInt(forward) * BigInt((backward | 1) >>> 0);
}

// ------------------------------------------------------------------ the hash

/**
 * An `input_hash` that no input hashes to: for a species whose rows or core data changed while
 * they were read, so that the next refresh builds it again.
 */
export function unsettledHash(species: string): string {
  return createHash('sha256').update(`unsettled ${species} ${randomUUID()}`).digest('hex').slice(0, 32);
}

/** The published `input_hash` of a species: its rows' and core data's fingerprints (null: no core data). */
export function inputHash(species: string, rows: Fingerprint, core: Fingerprint | null): string {
  const text = [
    `build ${BUILD_REVISION}`,
    `species ${species}`,
    `rows ${rows.count} ${rows.sum}`,
    core ? `core ${core.count} ${core.sum}` : 'core none',
  ].join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
