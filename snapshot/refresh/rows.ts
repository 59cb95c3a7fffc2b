/**
 * Row sources for the builder and the grouping step that turns one ordered row stream into
 * one species at a time, so memory holds a single species whatever the table size.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { GeneRow } from './encode.ts';
import type { SnapshotSource } from '../format.ts';

export interface SpeciesRow extends GeneRow {
  species: string;
}

export interface SpeciesRows {
  species: string;
  rows: GeneRow[];
}

/**
 * Groups rows ordered by species, read in batches (a parsed chunk, a network packet), so
 * that no row costs an await. `keep` drops species before they are gathered. Throws if a
 * species reappears after another began: the input must be ordered (the TSV export is).
 */
export async function* groupBySpecies(
  batches: AsyncIterable<readonly SpeciesRow[]>,
  keep?: (species: string) => boolean,
): AsyncGenerator<SpeciesRows> {
  let current = null as SpeciesRows | null;
  const seen = new Set<string>();
  for await (const batch of batches) {
    for (const { species, stableId, label, location } of batch) {
      if (keep && !keep(species)) continue;
      if (current?.species !== species) {
        if (current) yield current;
        if (seen.has(species)) throw new Error(`rows are not ordered by species: ${species} appears twice`);
        seen.add(species);
        current = { species, rows: [] };
      }
      current.rows.push({ stableId, label, location });
    }
  }
  if (current) yield current;
}

/** Where a refresh reads its rows: MySQL (mysql-source.ts) or a TSV export (TsvSource). */
export interface RowSource {
  readonly source: SnapshotSource;
  /** Species the run will produce, when known in advance (progress), else null. */
  readonly speciesTotal: number | null;
  /** Rows read so far (for rows/s). */
  readonly rowsRead: number;
  /** The rows, one species at a time; at most `maxQueued` finished groups are held ahead. */
  groups(maxQueued?: number): AsyncIterable<SpeciesRows>;
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
  rowsRead = 0;
  private readonly path: string;
  private readonly filter: ((species: string) => boolean) | undefined;

  constructor(path: string, filter?: (species: string) => boolean) {
    this.path = path;
    this.filter = filter;
  }

  groups(): AsyncIterable<SpeciesRows> {
    return groupBySpecies(this.counted(), this.filter);
  }

  private async *counted(): AsyncGenerator<SpeciesRow[]> {
    for await (const batch of readTsvBatches(this.path)) {
      this.rowsRead += batch.length;
      yield batch;
    }
  }

  async close(): Promise<void> {}
}

const TSV_COLUMNS = ['species', 'stable_id', 'display_label'] as const;

/**
 * Reads a TSV export of gene_autocomplete (optionally .gz) with a header naming at least
 * species, stable_id and display_label; location is optional. Empty fields read as NULL.
 * Yields the rows of each chunk read: parsing never awaits per row.
 */
export async function* readTsvBatches(path: string): AsyncGenerator<SpeciesRow[]> {
  const raw = createReadStream(path);
  const input = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  input.setEncoding('utf8');
  let columns: { species: number; stableId: number; label: number; location: number } | null = null;
  let lineNo = 0;
  const field = (fields: string[], i: number) => {
    const value = i < 0 ? undefined : fields[i];
    return value === undefined || value === '' ? null : value;
  };
  const parse = (line: string, out: SpeciesRow[]) => {
    lineNo++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') return;
    const fields = line.split('\t');
    if (!columns) {
      const at = Object.fromEntries(fields.map((name, i) => [name.trim(), i]));
      const missing = TSV_COLUMNS.filter((c) => !(c in at));
      if (missing.length) throw new Error(`${path}: header lacks column(s) ${missing.join(', ')}`);
      columns = { species: at.species!, stableId: at.stable_id!, label: at.display_label!, location: at.location ?? -1 };
      return;
    }
    const species = field(fields, columns.species);
    const stableId = field(fields, columns.stableId);
    if (!species || !stableId) throw new Error(`${path}:${lineNo}: species and stable_id are required`);
    out.push({ species, stableId, label: field(fields, columns.label), location: field(fields, columns.location) });
  };
  let rest = '';
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      const rows: SpeciesRow[] = [];
      for (const line of lines) parse(line, rows);
      if (rows.length) yield rows;
    }
    const last: SpeciesRow[] = [];
    if (rest) parse(rest, last);
    if (last.length) yield last;
  } finally {
    raw.destroy();
  }
}

/** Row by row, for callers that want single rows (tests, benchmarks). */
export async function* readTsv(path: string): AsyncGenerator<SpeciesRow> {
  for await (const batch of readTsvBatches(path)) yield* batch;
}
