/** Builds snapshots for tests with the project's own refresh, from the committed sample data. */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { publishSample, SAMPLE_CORE_TSV, SAMPLE_TSV } from '../../scripts/sample-snapshot.ts';
import type { CoreGene } from '../../snapshot/refresh/species-model.ts';

export { SAMPLE_CORE_TSV, SAMPLE_TSV };

export async function buildSnapshotDir(options: { dir?: string; species?: (name: string) => boolean; tsv?: string } = {}): Promise<string> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'ea-snapshot-')));
  await publishSample(dir, options.species, options.tsv);
  return dir;
}

/** The data rows of a gzipped TSV, fields split (its header dropped). */
function tsvRows(path: string): string[][] {
  return gunzipSync(readFileSync(path)).toString('utf8').split('\n').slice(1).filter(Boolean).map((line) => line.split('\t'));
}

/** One species' rows of the committed sample, as the refresh reads them, and its core data by stable ID. */
export function sampleSpecies(species: string): { rows: { stableId: string; label: string | null; location: string | null }[]; core: Map<string, CoreGene> } {
  const rows = tsvRows(SAMPLE_TSV)
    .filter((f) => f[0] === species)
    .map((f) => ({ stableId: f[1]!, label: f[2] || null, location: f[3] || null }));
  const core = new Map<string, CoreGene>();
  for (const [s, id, biotype, group, synonym] of tsvRows(SAMPLE_CORE_TSV)) {
    if (s !== species) continue;
    if (!core.has(id!)) core.set(id!, { biotype: biotype || null, group: group || null, synonyms: [] });
    if (synonym) core.get(id!)!.synonyms.push(synonym);
  }
  return { rows, core };
}
