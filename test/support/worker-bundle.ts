/**
 * The deployable worker bundle, as `wrangler deploy --dry-run --outdir` writes it (offline),
 * and that bundle running in workerd through Miniflare with its R2 binding seeded from a
 * snapshot directory: the same code and the same bytes Cloudflare would run.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { copySnapshotDir } from '../../snapshot/refresh/copy-snapshot.ts';

const root = new URL('../..', import.meta.url).pathname;

export interface WorkerBundle {
  dir: string;
  /** Files wrangler would upload (source maps and its README excluded), entry first. */
  files: { name: string; bytes: number; gzipBytes: number }[];
  totalBytes: number;
  gzipBytes: number;
  /** What wrangler itself printed, e.g. "Total Upload: 964.07 KiB / gzip: 168.80 KiB". */
  wranglerSummary: string;
}

export async function buildWorkerBundle(): Promise<WorkerBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'ea-bundle-'));
  const { stdout } = await promisify(execFile)('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', dir], {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', DO_NOT_TRACK: '1', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  });
  const names = (await readdir(dir)).filter((name) => !name.endsWith('.map') && name !== 'README.md');
  names.sort((a, b) => (a === 'worker.js' ? -1 : b === 'worker.js' ? 1 : a.localeCompare(b)));
  const files = await Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(join(dir, name));
      return { name, bytes: bytes.byteLength, gzipBytes: gzipSync(bytes, { level: 9 }).byteLength };
    }),
  );
  return {
    dir,
    files,
    totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0),
    wranglerSummary: /Total Upload:.*/.exec(stdout)?.[0] ?? '',
  };
}

function compatibilityDate(toml: string): string {
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (!date) throw new Error('wrangler.toml has no compatibility_date');
  return date;
}

export interface RunningWorker {
  url: string;
  miniflare: Miniflare;
  close(): Promise<void>;
}

/** Runs the bundle in workerd on a loopback port, the R2 binding SNAPSHOTS seeded from `snapshotDir`. */
export async function startBundledWorker(bundle: WorkerBundle, snapshotDir: string, vars: Record<string, string> = {}): Promise<RunningWorker> {
  const toml = await readFile(join(root, 'wrangler.toml'), 'utf8');
  // Miniflare 5 still takes v4-style options through its converter (which also keeps the
  // cross-process dev registry off); modules are listed explicitly, entry first.
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      host: '127.0.0.1',
      port: 0,
      modulesRoot: bundle.dir,
      modules: bundle.files.map((f) => ({
        type: f.name.endsWith('.wasm') ? ('CompiledWasm' as const) : ('ESModule' as const),
        path: join(bundle.dir, f.name),
      })),
      compatibilityDate: compatibilityDate(toml),
      r2Buckets: ['SNAPSHOTS'],
      bindings: vars,
    }),
  );
  const url = await miniflare.ready;
  // The part of the R2 binding used here (Workers types are not loaded in Node code).
  const bucket = (await miniflare.getR2Bucket('SNAPSHOTS')) as unknown as { put(key: string, value: Uint8Array): Promise<unknown> };
  await copySnapshotDir(snapshotDir, (key, body) => bucket.put(key, body));
  return { url: url.origin, miniflare, close: () => miniflare.dispose() };
}
