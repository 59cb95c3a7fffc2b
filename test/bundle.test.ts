/**
 * The deployable worker builds offline (`wrangler deploy --dry-run --outdir`) and stays well
 * under 1 MB gzipped. The measured sizes are written to test-results/bundle-size.json.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildWorkerBundle, type WorkerBundle } from './support/worker-bundle.ts';

const LIMIT_BYTES = 1_000_000;
let bundle: WorkerBundle;

beforeAll(async () => {
  bundle = await buildWorkerBundle();
}, 60_000);

afterAll(async () => {
  if (bundle) await rm(bundle.dir, { recursive: true, force: true });
});

it('bundles the entry and the xz decoder', () => {
  expect(bundle.files.map((f) => f.name)).toEqual(['worker.js', expect.stringMatching(/-xz-decompress\.wasm$/)]);
});

it('is under 1 MB gzipped, by our measure and by wrangler\'s', async () => {
  const wrangler = /gzip:\s*([\d.]+)\s*KiB/.exec(bundle.wranglerSummary);
  expect(wrangler, bundle.wranglerSummary).not.toBeNull();
  const wranglerGzipBytes = Number(wrangler![1]) * 1024;
  expect(bundle.gzipBytes).toBeLessThan(LIMIT_BYTES);
  expect(wranglerGzipBytes).toBeLessThan(LIMIT_BYTES);
  const artifacts = new URL('../test-results/', import.meta.url);
  await mkdir(artifacts, { recursive: true });
  await writeFile(
    new URL('bundle-size.json', artifacts),
    `${JSON.stringify({ files: bundle.files, totalBytes: bundle.totalBytes, gzipBytes: bundle.gzipBytes, wrangler: bundle.wranglerSummary }, null, 2)}\n`,
  );
});
