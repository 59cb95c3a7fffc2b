/**
 * Text normalisation shared by the builder and the edge index. Pure functions, no runtime APIs.
 */

const ASCII = /^[\x00-\x7f]*$/;
const COMBINING_MARK = /\p{Mn}/gu;

/** The matching key of a label or query: NFKD, combining marks dropped, lower-cased. */
export function fold(text: string): string {
  // Almost every gene label is ASCII, where NFKD is the identity.
  if (ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(COMBINING_MARK, '').toLowerCase();
}

/** Canonical species name: case-insensitive, spaces read as underscores (`Homo sapiens` → `homo_sapiens`). */
export function canonicalSpecies(name: string): string {
  return name.trim().replace(/\s+/g, '_').toLowerCase();
}
