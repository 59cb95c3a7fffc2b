/** Builds snapshots for tests with the project's own builder, from the committed sample TSV. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishSnapshot } from '../../snapshot/build.ts';
import { DirStore } from '../../snapshot/dir-store.ts';
import { groupBySpecies, readTsv, type SpeciesRow } from '../../snapshot/rows.ts';

export const SAMPLE_TSV = new URL('../../data/public.tsv.gz', import.meta.url).pathname;

export async function buildSnapshotDir(options: { dir?: string; species?: (name: string) => boolean } = {}): Promise<string> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'ea-snapshot-')));
  const keep = options.species ?? (() => true);
  async function* rows(): AsyncGenerator<SpeciesRow> {
    for await (const row of readTsv(SAMPLE_TSV)) if (keep(row.species)) yield row;
  }
  await publishSnapshot(new DirStore(dir), groupBySpecies(rows()), { source: { kind: 'tsv', database: null, release: null } });
  return dir;
}
