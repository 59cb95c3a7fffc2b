/**
 * Row sources for the builder and the grouping step that turns one ordered row stream into
 * one species at a time, so memory holds a single species whatever the table size.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { GeneRow } from './encode.ts';

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
  let current: SpeciesRows | null = null;
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
