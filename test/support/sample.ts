/** Builds snapshots for tests with the project's own refresh, from the committed sample data. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishSample, SAMPLE_CORE_TSV, SAMPLE_TSV } from '../../scripts/sample-snapshot.ts';
import { CoreTsvSource } from '../../snapshot/refresh/core-data.ts';
import { readTsv, type SpeciesRow } from '../../snapshot/refresh/rows.ts';
import type { CoreData } from '../../snapshot/refresh/species-model.ts';

export { SAMPLE_CORE_TSV, SAMPLE_TSV };

export async function buildSnapshotDir(options: { dir?: string; species?: (name: string) => boolean; tsv?: string } = {}): Promise<string> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'ea-snapshot-')));
  await publishSample(dir, options.species, options.tsv);
  return dir;
}

/** One species' rows of the committed sample and its core data by stable ID, read as the refresh reads them. */
export async function sampleSpecies(species: string): Promise<{ rows: SpeciesRow[]; core: CoreData }> {
  const rows: SpeciesRow[] = [];
  for await (const row of readTsv(SAMPLE_TSV)) if (row.species === species) rows.push(row);
  const source = new CoreTsvSource(SAMPLE_CORE_TSV);
  try {
    return { rows, core: (await source.lookup(species))?.data ?? new Map() };
  } finally {
    await source.close();
  }
}
