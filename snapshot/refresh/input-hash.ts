/**
 * What a species was built from, as a hash that does not depend on row order (MySQL does not
 * promise one): the sum, lane by lane, of a 64-bit hash of every row and every gene's core
 * data, with the count. Equal input gives an equal hash, so a refresh can reuse the species
 * as published; BUILD_REVISION changes it when the same input would now build differently.
 */
import type { CoreData, GeneRow } from './species-model.ts';

/** Bump when the builder's output for the same input changes (format, chunking, ranking). */
export const BUILD_REVISION = 1;

/** FNV-1a over a string's UTF-16 units, from a given offset basis. */
function fnv(text: string, basis: number): number {
  let h = basis;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

class MultisetHash {
  private a = 0;
  private b = 0;
  private n = 0;

  add(text: string): void {
    this.a = (this.a + fnv(text, 0x811c9dc5)) >>> 0;
    this.b = (this.b + fnv(text, 0x01000193 ^ 0x5bd1e995)) >>> 0;
    this.n++;
  }

  hex(): string {
    return [this.a, this.b, this.n].map((v) => v.toString(16).padStart(8, '0')).join('');
  }
}

export function inputHash(species: string, rows: readonly GeneRow[], core: CoreData | null): string {
  const hash = new MultisetHash();
  hash.add(`build ${BUILD_REVISION} ${species}`);
  for (const r of rows) hash.add(`r\t${r.stableId}\t${r.label ?? '\u0000'}\t${r.location ?? '\u0000'}`);
  for (const [id, gene] of core ?? []) hash.add(`c\t${id}\t${gene.biotype ?? '\u0000'}\t${gene.group ?? '\u0000'}\t${[...gene.synonyms].sort().join('\t')}`);
  return hash.hex();
}
