/**
 * workerd without `wrangler dev`: the worker as `wrangler deploy --dry-run` bundles it (the
 * bundle plus its .wasm module), run by Miniflare directly, R2 persisted in a directory so
 * several instances see the same seeded bucket. Also the empty Hono worker used as a baseline.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { copySnapshotDir } from '../../snapshot/refresh/copy-snapshot.ts';
import { ROOT, run, type BenchContext } from './lib.ts';

const COMPATIBILITY_DATE = '2026-10-01'; // as wrangler.toml

export interface Bundle {
  entry: string;
  /** Extra modules next to the entry: [import specifier, path]. */
  wasm: [string, string][];
}

let productBundle: Promise<Bundle> | null = null;

/** `wrangler deploy --dry-run --outdir`: exactly what would be uploaded. */
export function buildProductBundle(ctx: BenchContext): Promise<Bundle> {
  productBundle ??= (async () => {
    const outdir = join(ctx.dataDir, 'bundle-product');
    await rm(outdir, { recursive: true, force: true });
    await run('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', outdir], {
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', DO_NOT_TRACK: '1', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    });
    const files = await readdir(outdir);
    return { entry: join(outdir, 'worker.js'), wasm: files.filter((f) => f.endsWith('.wasm')).map((f) => [f, join(outdir, f)] as [string, string]) };
  })();
  return productBundle;
}

/** The answer-table worker (table-worker.ts) with `tableFile` bundled in. */
export async function buildTableBundle(ctx: BenchContext, tableFile: string): Promise<Bundle> {
  const outfile = join(ctx.dataDir, 'bundle-table', 'worker.js');
  await build({
    entryPoints: [join(ROOT, 'scripts/bench/table-worker.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    alias: { 'bench-answer-table': tableFile },
    loader: { '.json': 'json' },
    outfile,
    logLevel: 'error',
  });
  return { entry: outfile, wasm: [] };
}

let emptyBundle: Promise<Bundle> | null = null;

/** The baseline: a Hono app that answers every request with `[]`, bundled with esbuild. */
export function buildEmptyBundle(ctx: BenchContext): Promise<Bundle> {
  emptyBundle ??= (async () => {
    const outfile = join(ctx.dataDir, 'bundle-empty', 'worker.js');
    await build({
      entryPoints: [join(ROOT, 'scripts/bench/empty-worker.ts')],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'],
      outfile,
      logLevel: 'error',
    });
    return { entry: outfile, wasm: [] };
  })();
  return emptyBundle;
}

export interface StartOptions {
  bundle: Bundle;
  /** R2 persistence root shared by instances (seed it with seedR2). */
  persist?: string;
  bindings?: Record<string, string>;
  /** Listen on this port on 127.0.0.1 (HTTP benchmarks); otherwise use dispatchFetch. */
  port?: number;
}

export async function startWorker(options: StartOptions): Promise<{ mf: Miniflare; url: URL }> {
  const { bundle } = options;
  const modules: Record<string, { type: 'esm' | 'wasm'; contents: string | Uint8Array<ArrayBuffer> }> = {
    'worker.js': { type: 'esm', contents: await readFile(bundle.entry, 'utf8') },
  };
  for (const [name, path] of bundle.wasm) modules[name] = { type: 'wasm', contents: new Uint8Array(await readFile(path)) };
  const env: Record<string, { type: 'r2'; name: string } | { type: 'text'; value: string }> = { SNAPSHOTS: { type: 'r2', name: 'snapshots' } };
  for (const [name, value] of Object.entries(options.bindings ?? {})) env[name] = { type: 'text', value };
  const mf = new Miniflare({
    host: '127.0.0.1',
    port: options.port ?? 0,
    resourcePersistencePath: options.persist,
    workers: [{ config: { name: 'bench', compatibilityDate: COMPATIBILITY_DATE, manifest: { mainModule: 'worker.js', modules }, env } }],
  });
  const url = await mf.ready;
  return { mf, url };
}

/** Copies a snapshot directory into the persisted R2 bucket under `prefix`, pointer last. */
export async function seedR2(bundle: Bundle, persist: string, dir: string, prefix: string): Promise<number> {
  const { mf } = await startWorker({ bundle, persist });
  try {
    const bucket = (await mf.getR2Bucket('SNAPSHOTS')) as unknown as { put(key: string, value: Uint8Array): Promise<unknown> };
    return (await copySnapshotDir(dir, (key, body) => bucket.put(key, body), prefix)).length;
  } finally {
    await mf.dispose();
  }
}
