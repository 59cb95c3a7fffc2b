/**
 * Synonyms and biotypes from a species' core data, one species at a time: from a core
 * database (core-mysql.ts) or from a TSV export in the shape of the join
 * (species, stable_id, biotype, biotype_group, synonym; one row per gene and synonym).
 */
import { coreRowText, FingerprintSum, textValue, type Fingerprint } from './input-hash.ts';
import type { CoreData, CoreGene } from './species-model.ts';
import { readTsvRecords } from './tsv.ts';

/** One row of the core join: a gene, its biotype and one synonym of its display xref (or none). */
export interface CoreRow {
  stableId: string;
  biotype: string | null;
  group: string | null;
  synonym: string | null;
}

/** Gathers one species' rows by stable ID. */
export class CoreDataBuilder {
  readonly genes = new Map<string, CoreGene>();
  rows = 0;

  add(row: CoreRow): void {
    this.addGene(row.stableId, row.biotype, row.group, row.synonym ? [row.synonym] : []);
  }

  /**
   * A gene and all its synonyms at once: as many rows as the join would have (one if none).
   * The list is kept as given, not copied (genes sharing a display xref share it): it is never
   * changed afterwards, a stable ID seen again gets a new list.
   */
  addGene(stableId: string, biotype: string | null, group: string | null, synonyms: readonly string[]): void {
    this.rows += synonyms.length || 1;
    const gene = this.genes.get(stableId);
    if (gene) gene.synonyms = gene.synonyms.concat(synonyms);
    else this.genes.set(stableId, { biotype, group, synonyms: synonyms as string[] });
  }
}

/** A species' core data and where it came from (recorded in the manifest). */
export interface SpeciesCore {
  source: string;
  data: CoreData;
  rows: number;
  /** The fingerprint of exactly what was read, or null when the source computes it on its side (CoreSource.fingerprint). */
  fingerprint: Fingerprint | null;
}

/** Where a refresh finds core data, asked species by species in the order of the label rows. */
export interface CoreSource {
  readonly description: string;
  /** The species' core data, or null when it has none. */
  lookup(species: string): Promise<SpeciesCore | null>;
  /**
   * The fingerprint of the species' core data computed where it lives, without reading it, and
   * where it lives (null: no core data); absent when the source cannot (a TSV).
   */
  fingerprint?(species: string): Promise<{ source: string; fingerprint: Fingerprint } | null>;
  close(): Promise<void>;
}

/**
 * A core TSV export, read alongside the label rows: both are sorted by species (code-point
 * order), so one pass over each suffices and one species is in memory at a time.
 */
export class CoreTsvSource implements CoreSource {
  readonly description: string;
  private readonly path: string;
  private readonly groups: AsyncGenerator<{ species: string; core: CoreDataBuilder; sum: FingerprintSum }>;
  private pending: { species: string; core: CoreDataBuilder; sum: FingerprintSum } | null = null;
  private done = false;
  private last = '';

  constructor(path: string) {
    this.path = path;
    this.description = `core TSV ${path}`;
    this.groups = this.read();
  }

  private async *read(): AsyncGenerator<{ species: string; core: CoreDataBuilder; sum: FingerprintSum }> {
    let current = null as { species: string; core: CoreDataBuilder; sum: FingerprintSum } | null;
    let line = 1;
    for await (const records of readTsvRecords(this.path, ['species', 'stable_id', 'biotype', 'biotype_group', 'synonym'])) {
      for (const r of records) {
        line++;
        if (!r.species || !r.stable_id) throw new Error(`${this.path}: row ${line}: species and stable_id are required`);
        if (current?.species !== r.species) {
          if (current) {
            if (r.species < current.species) throw new Error(`${this.path}: not sorted by species (${r.species} after ${current.species})`);
            yield current;
          }
          current = { species: r.species, core: new CoreDataBuilder(), sum: new FingerprintSum() };
        }
        current.core.add({ stableId: r.stable_id, biotype: r.biotype, group: r.biotype_group, synonym: r.synonym });
        current.sum.add(textValue(coreRowText(r.stable_id, r.biotype, r.biotype_group, r.synonym)));
      }
    }
    if (current) yield current;
  }

  async lookup(species: string): Promise<SpeciesCore | null> {
    if (species < this.last) throw new Error(`${this.path}: species are asked for out of order (${species} after ${this.last}); sort both files by species`);
    this.last = species;
    while (!this.done && (!this.pending || this.pending.species < species)) {
      const next = await this.groups.next();
      if (next.done) this.done = true;
      else this.pending = next.value;
    }
    const pending = this.pending as { species: string; core: CoreDataBuilder; sum: FingerprintSum } | null;
    if (pending?.species !== species) return null;
    const { core, sum } = pending;
    this.pending = null;
    return { source: this.path.split('/').pop()!, data: core.genes, rows: core.rows, fingerprint: sum.fingerprint };
  }

  async close(): Promise<void> {
    await this.groups.return(undefined);
  }
}
