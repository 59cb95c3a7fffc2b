/**
 * The embedded sample snapshot (data/public.tsv.gz: 19 species), built with the project's own
 * builder into .wrangler/sample-snapshot and rebuilt only when the data file is newer.
 * Served by `npm start` and `npm run serve:node` when no other snapshot is named.
 */
import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishSnapshot } from '../snapshot/refresh/build.ts';
import { DirStore } from '../snapshot/refresh/dir-store.ts';
import { keys } from '../snapshot/format.ts';
import { groupBySpecies, readTsvBatches } from '../snapshot/refresh/rows.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const SAMPLE_TSV = resolve(root, 'data/public.tsv.gz');
const SAMPLE_DIR = resolve(root, '.wrangler/sample-snapshot');

export async function ensureSampleSnapshot(): Promise<string> {
  const pointer = resolve(SAMPLE_DIR, keys.pointer);
  if (existsSync(pointer) && statSync(pointer).mtimeMs > statSync(SAMPLE_TSV).mtimeMs) return SAMPLE_DIR;
  console.log('building the sample snapshot from data/public.tsv.gz ...');
  await rm(SAMPLE_DIR, { recursive: true, force: true });
  const started = Date.now();
  const { manifest } = await publishSnapshot(new DirStore(SAMPLE_DIR), groupBySpecies(readTsvBatches(SAMPLE_TSV)), {
    source: { kind: 'tsv', database: null, release: null },
  });
  console.log(`built ${Object.keys(manifest.species).length} species in ${Date.now() - started} ms`);
  return SAMPLE_DIR;
}
