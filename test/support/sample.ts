/** Builds snapshots for tests with the project's own builder, from the committed sample TSV. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishSnapshot } from '../../snapshot/refresh/build.ts';
import { DirStore } from '../../snapshot/refresh/dir-store.ts';
import { groupBySpecies, readTsvBatches } from '../../snapshot/refresh/rows.ts';

export const SAMPLE_TSV = new URL('../../data/public.tsv.gz', import.meta.url).pathname;

export async function buildSnapshotDir(options: { dir?: string; species?: (name: string) => boolean } = {}): Promise<string> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'ea-snapshot-')));
  await publishSnapshot(new DirStore(dir), groupBySpecies(readTsvBatches(SAMPLE_TSV), options.species), { source: { kind: 'tsv', database: null, release: null } });
  return dir;
}
