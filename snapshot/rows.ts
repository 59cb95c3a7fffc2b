/**
 * Row sources for the builder and the grouping step that turns one ordered row stream into
 * one species at a time, so memory holds a single species whatever the table size.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { GeneRow } from './encode.ts';
import type { SnapshotSource } from './format.ts';

export interface SpeciesRow extends GeneRow {
  species: string;
}

export interface SpeciesRows {
  species: string;
  rows: GeneRow[];
}

/**
 * Groups a stream ordered by species. Throws if a species reappears after another began:
 * the input must be ordered (MySQL: ORDER BY species; the TSV export is sorted).
 */
export async function* groupBySpecies(rows: AsyncIterable<SpeciesRow>): AsyncGenerator<SpeciesRows> {
  let current = null as SpeciesRows | null;
  const seen = new Set<string>();
  for await (const { species, stableId, label, location } of rows) {
    if (current?.species !== species) {
      if (current) yield current;
      if (seen.has(species)) throw new Error(`rows are not ordered by species: ${species} appears twice`);
      seen.add(species);
      current = { species, rows: [] };
    }
    current.rows.push({ stableId, label, location });
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
    return this.read();
  }

  /** Like groupBySpecies(readTsv()), but parses whole chunks: no await per row. */
  private async *read(): AsyncGenerator<SpeciesRows> {
    const raw = createReadStream(this.path);
    const input = this.path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
    input.setEncoding('utf8');
    let columns: { species: number; stableId: number; label: number; location: number } | null = null;
    let rest = '';
    let lineNo = 0;
    let current: SpeciesRows | null = null;
    const seen = new Set<string>();
    const ready: SpeciesRows[] = [];
    const field = (fields: string[], i: number) => {
      const value = i < 0 ? undefined : fields[i];
      return value === undefined || value === '' ? null : value;
    };
    const parse = (line: string) => {
      lineNo++;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') return;
      const fields = line.split('\t');
      if (!columns) {
        const at = Object.fromEntries(fields.map((name, i) => [name.trim(), i]));
        const missing = TSV_COLUMNS.filter((c) => !(c in at));
        if (missing.length) throw new Error(`${this.path}: header lacks column(s) ${missing.join(', ')}`);
        columns = { species: at.species!, stableId: at.stable_id!, label: at.display_label!, location: at.location ?? -1 };
        return;
      }
      this.rowsRead++;
      const species = field(fields, columns.species);
      const stableId = field(fields, columns.stableId);
      if (!species || !stableId) throw new Error(`${this.path}:${lineNo}: species and stable_id are required`);
      if (this.filter && !this.filter(species)) return;
      if (species !== current?.species) {
        if (current) ready.push(current);
        if (seen.has(species)) throw new Error(`${this.path}:${lineNo}: rows are not ordered by species: ${species} appears twice`);
        seen.add(species);
        current = { species, rows: [] };
      }
      current.rows.push({ stableId, label: field(fields, columns.label), location: field(fields, columns.location) });
    };
    try {
      for await (const chunk of input as AsyncIterable<string>) {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop()!;
        for (const line of lines) parse(line);
        while (ready.length) yield ready.shift()!;
      }
      if (rest) parse(rest);
      if (current) ready.push(current);
      while (ready.length) yield ready.shift()!;
    } finally {
      raw.destroy();
    }
  }

  async close(): Promise<void> {}
}

const TSV_COLUMNS = ['species', 'stable_id', 'display_label'] as const;

/**
 * Reads a TSV export of gene_autocomplete (optionally .gz) with a header naming at least
 * species, stable_id and display_label; location is optional. Empty fields read as NULL.
 */
export async function* readTsv(path: string): AsyncGenerator<SpeciesRow> {
  const raw = createReadStream(path);
  const input = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let columns: Record<string, number> | null = null;
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line === '') continue;
    const fields = line.split('\t');
    if (!columns) {
      columns = Object.fromEntries(fields.map((name, i) => [name.trim(), i]));
      const missing = TSV_COLUMNS.filter((c) => !(c in columns!));
      if (missing.length) throw new Error(`${path}: header lacks column(s) ${missing.join(', ')}`);
      continue;
    }
    const at = (name: string) => {
      const i = columns![name];
      const value = i === undefined ? undefined : fields[i];
      return value === undefined || value === '' ? null : value;
    };
    const species = at('species');
    const stableId = at('stable_id');
    if (!species || !stableId) throw new Error(`${path}:${lineNo}: species and stable_id are required`);
    yield { species, stableId, label: at('display_label'), location: at('location') };
  }
}
