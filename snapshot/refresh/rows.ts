/**
 * Row sources for the builder and the grouping step that turns one ordered row stream into
 * one species at a time, so memory holds a single species whatever the table size.
 */
import { FingerprintSum, rowText, textValue, type Fingerprint } from './input-hash.ts';
import type { GeneRow } from './species-model.ts';
import { readTsvRecords } from './tsv.ts';
import type { SnapshotSource } from '../format.ts';

export interface SpeciesRow extends GeneRow {
  species: string;
}

export interface SpeciesRows {
  species: string;
  rows: GeneRow[];
  /** The fingerprint of exactly these rows (input-hash.ts), or null when the source computes it on its side (summarize). */
  fingerprint: Fingerprint | null;
}

/** What the source says of a species without reading its rows. */
export interface SpeciesSummary {
  /** The species as the source spells it (several spellings if they differ only in case). */
  names: string[];
  /** The fingerprint of the species' rows (input-hash.ts). */
  fingerprint: Fingerprint;
}

/**
 * Groups rows ordered by species, read in batches (a parsed chunk, a network packet), so
 * that no row costs an await, and fingerprints each species' rows. `keep` drops species before
 * they are gathered. Throws if a species reappears after another began: the input must be
 * ordered (the TSV export is).
 */
export async function* groupBySpecies(
  batches: AsyncIterable<readonly SpeciesRow[]>,
  keep?: (species: string) => boolean,
): AsyncGenerator<SpeciesRows> {
  let current = null as { species: string; rows: GeneRow[]; sum: FingerprintSum } | null;
  const done = (c: NonNullable<typeof current>): SpeciesRows => ({ species: c.species, rows: c.rows, fingerprint: c.sum.fingerprint });
  const seen = new Set<string>();
  for await (const batch of batches) {
    for (const { species, stableId, label, location } of batch) {
      if (keep && !keep(species)) continue;
      if (current?.species !== species) {
        if (current) yield done(current);
        if (seen.has(species)) throw new Error(`rows are not ordered by species: ${species} appears twice`);
        seen.add(species);
        current = { species, rows: [], sum: new FingerprintSum() };
      }
      current.rows.push({ stableId, label, location });
      current.sum.add(textValue(rowText(stableId, label, location)));
    }
  }
  if (current) yield done(current);
}

/** Where a refresh reads its rows: MySQL (mysql-source.ts) or a TSV export (TsvSource). */
export interface RowSource {
  readonly source: SnapshotSource;
  /** Species the run will produce, when known in advance (progress), else null. */
  readonly speciesTotal: number | null;
  /** Their lower-case names, when known in advance, else null. */
  readonly speciesList: readonly string[] | null;
  /** Rows read so far (for rows/s). */
  readonly rowsRead: number;
  /**
   * Each species' summary by its lower-case name (of all species, or of `only`, spelled as
   * the source spells them), computed where the rows live without sending them (MySQL);
   * absent when the source cannot (TSV).
   */
  summarize?(only?: readonly string[]): Promise<Map<string, SpeciesSummary>>;
  /**
   * The rows, one species at a time; at most `maxQueued` finished groups are held ahead.
   * `only`: just these species, as the source spells them (SpeciesSummary.names).
   */
  groups(maxQueued?: number, only?: readonly string[]): AsyncIterable<SpeciesRows>;
  close(): Promise<void>;
}

/**
 * `--species` globs (`homo_sapiens,mus_*`, `?` for one character), case-insensitive; a species
 * is kept when any glob matches all of it. Undefined or empty: keep everything.
 */
export function speciesMatcher(globs: readonly string[] | undefined): ((species: string) => boolean) | undefined {
  const list = (globs ?? []).map((g) => g.trim()).filter(Boolean);
  if (!list.length) return undefined;
  const patterns = list.map(
    (glob) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i'),
  );
  return (species) => patterns.some((p) => p.test(species));
}

/** A TSV export as a RowSource, optionally filtered by species. */
export class TsvSource implements RowSource {
  readonly source: SnapshotSource = { kind: 'tsv', database: null, release: null };
  readonly speciesTotal = null;
  readonly speciesList = null;
  rowsRead = 0;
  private readonly path: string;
  private readonly filter: ((species: string) => boolean) | undefined;

  constructor(path: string, filter?: (species: string) => boolean) {
    this.path = path;
    this.filter = filter;
  }

  groups(_maxQueued?: number, only?: readonly string[]): AsyncIterable<SpeciesRows> {
    const names = only && new Set(only);
    const filter = this.filter;
    const keep = names ? (species: string) => names.has(species) && (!filter || filter(species)) : filter;
    return groupBySpecies(this.counted(), keep);
  }

  private async *counted(): AsyncGenerator<SpeciesRow[]> {
    for await (const batch of readTsvBatches(this.path)) {
      this.rowsRead += batch.length;
      yield batch;
    }
  }

  async close(): Promise<void> {}
}

/**
 * Reads a TSV export of gene_autocomplete (optionally .gz) with a header naming at least
 * species, stable_id and display_label; location is optional. Empty fields read as NULL.
 */
export async function* readTsvBatches(path: string): AsyncGenerator<SpeciesRow[]> {
  let line = 1;
  for await (const records of readTsvRecords(path, ['species', 'stable_id', 'display_label'], ['location'])) {
    yield records.map((r) => {
      line++;
      if (!r.species || !r.stable_id) throw new Error(`${path}: row ${line}: species and stable_id are required`);
      return { species: r.species, stableId: r.stable_id, label: r.display_label, location: r.location };
    });
  }
}

/** Row by row, for callers that want single rows (tests, benchmarks). */
export async function* readTsv(path: string): AsyncGenerator<SpeciesRow> {
  for await (const batch of readTsvBatches(path)) yield* batch;
}
