/**
 * The embedded sample snapshot (data/public.tsv.gz: 19 species; data/core_genes.tsv.gz:
 * synonyms and biotypes of human), built with the project's own refresh into
 * .wrangler/sample-snapshot and rebuilt only when a data file is newer.
 * Served by `npm start` and `npm run serve:node` when no other snapshot is named.
 */
import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keys } from '../snapshot/format.ts';
import { CoreTsvSource } from '../snapshot/refresh/core-data.ts';
import { DirStore } from '../snapshot/refresh/dir-store.ts';
import { refresh } from '../snapshot/refresh/refresh.ts';
import { TsvSource } from '../snapshot/refresh/rows.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
export const SAMPLE_TSV = resolve(root, 'data/public.tsv.gz');
export const SAMPLE_CORE_TSV = resolve(root, 'data/core_genes.tsv.gz');
const SAMPLE_DIR = resolve(root, '.wrangler/sample-snapshot');

/** Publishes the sample (or the species `keep` selects, or another TSV of that shape) into `dir` with the refresh pipeline. */
export async function publishSample(dir: string, keep?: (species: string) => boolean, tsv = SAMPLE_TSV): Promise<void> {
  await refresh({
    store: new DirStore(dir),
    openSource: async () => new TsvSource(tsv, keep),
    openCore: async () => new CoreTsvSource(SAMPLE_CORE_TSV),
    jobs: Math.min(availableParallelism(), 4),
    // A demo and test fixture: xz preset 1 encodes ~6x faster than the refresh's default 9,
    // for ~20 % larger objects that the edge decodes the same way.
    preset: 1,
    force: true,
  });
}

export async function ensureSampleSnapshot(): Promise<string> {
  const pointer = resolve(SAMPLE_DIR, keys.pointer);
  const newest = Math.max(...[SAMPLE_TSV, SAMPLE_CORE_TSV].map((f) => statSync(f).mtimeMs));
  if (existsSync(pointer) && statSync(pointer).mtimeMs > newest) return SAMPLE_DIR;
  console.log('building the sample snapshot from data/public.tsv.gz and data/core_genes.tsv.gz ...');
  await rm(SAMPLE_DIR, { recursive: true, force: true });
  const started = Date.now();
  await publishSample(SAMPLE_DIR);
  console.log(`built the sample snapshot in ${Date.now() - started} ms`);
  return SAMPLE_DIR;
}
