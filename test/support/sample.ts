/** Builds snapshots for tests with the project's own refresh, from the committed sample data. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishSample } from '../../scripts/sample-snapshot.ts';

export { SAMPLE_CORE_TSV, SAMPLE_TSV } from '../../scripts/sample-snapshot.ts';

export async function buildSnapshotDir(options: { dir?: string; species?: (name: string) => boolean; tsv?: string } = {}): Promise<string> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'ea-snapshot-')));
  await publishSample(dir, options.species, options.tsv);
  return dir;
}
