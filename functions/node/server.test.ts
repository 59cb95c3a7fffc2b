/**
 * The Node server's own parts: each snapshot source (directory, HTTP base URL, S3) with a key
 * prefix, settings validation, and the `npm run serve:node` CLI as a process. The HTTP
 * behaviour itself is covered for both runtimes by test/parity.test.ts.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirStore } from '../../snapshot/refresh/dir-store.ts';
import { FORMAT_VERSION, keys } from '../../snapshot/format.ts';
import { S3Store } from '../../snapshot/refresh/s3-store.ts';
import { buildSnapshotDir } from '../../test/support/sample.ts';
import { S3_CREDENTIALS, startS3, type TestS3 } from '../../test/support/s3.ts';
import { ConfigError } from '../config.ts';
import { createNodeApp, startNodeServer } from './server.ts';

const s3ClientConfig = {
  credentials: { accessKeyId: S3_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: S3_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
  maxAttempts: 1,
};

let dir: string;
/** The same snapshot under the key prefix `autocomplete/prod/`. */
let prefixedDir: string;
let files: Server;
let filesUrl: string;
let s3: TestS3;

beforeAll(async () => {
  dir = await buildSnapshotDir({ species: (name) => name === 'homo_sapiens' || name === 'mus_musculus' });
  prefixedDir = await mkdtemp(join(tmpdir(), 'ea-prefixed-'));
  await cp(dir, join(prefixedDir, 'autocomplete', 'prod'), { recursive: true });

  // A plain static file server, standing in for a public bucket or CDN.
  files = createServer(async (request, response) => {
    const path = join(prefixedDir, decodeURIComponent(new URL(request.url!, 'http://x').pathname));
    const found = await stat(path).then((s) => s.isFile(), () => false);
    if (!found) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    createReadStream(path).pipe(response);
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/`;

  s3 = await startS3(['snapshots']);
  const store = new S3Store({ bucket: 'snapshots', prefix: 'autocomplete/prod', endpoint: s3.endpoint, region: 'us-east-1', clientConfig: s3ClientConfig });
  const source = new DirStore(dir);
  for (const key of await source.list('')) await store.put(key, (await source.get(key))!.body);
  store.destroy();
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => files?.close(resolve));
  await s3?.close();
  await Promise.all([dir, prefixedDir].filter(Boolean).map((d) => rm(d, { recursive: true, force: true })));
});

async function brc(env: Record<string, string>): Promise<{ description: string; labels: string[] }> {
  const node = createNodeApp(env, { s3ClientConfig });
  try {
    const response = await node.app.request('/autocomplete?species=homo_sapiens&q=BRC');
    expect(response.status).toBe(200);
    const body = await response.json();
    return { description: node.source.description, labels: body.suggestions.slice(0, 4).map((s: { label: string }) => s.label) };
  } finally {
    node.dispose();
  }
}

describe('snapshot sources', () => {
  const BRC = ['BRCA1', 'BRCA2', 'BRCC3', 'BRCC3P1'];

  it('reads a directory (SNAPSHOT_DIR), with SNAPSHOT_PREFIX', async () => {
    expect((await brc({ SNAPSHOT_DIR: dir })).labels).toEqual(BRC);
    const prefixed = await brc({ SNAPSHOT_DIR: prefixedDir, SNAPSHOT_PREFIX: 'autocomplete/prod' });
    expect(prefixed.labels).toEqual(BRC);
    expect(prefixed.description).toBe(join(prefixedDir, 'autocomplete', 'prod'));
  });

  it('reads an HTTP base URL (SNAPSHOT_URL), with SNAPSHOT_PREFIX', async () => {
    const result = await brc({ SNAPSHOT_URL: filesUrl, SNAPSHOT_PREFIX: 'autocomplete/prod' });
    expect(result.labels).toEqual(BRC);
    expect(result.description).toBe(`${filesUrl}autocomplete/prod/`);
  });

  it('reads an S3-compatible bucket (SNAPSHOT_S3_BUCKET), with SNAPSHOT_PREFIX', async () => {
    const result = await brc({ SNAPSHOT_S3_BUCKET: 'snapshots', SNAPSHOT_S3_ENDPOINT: s3.endpoint, SNAPSHOT_S3_REGION: 'us-east-1', SNAPSHOT_PREFIX: 'autocomplete/prod' });
    expect(result.labels).toEqual(BRC);
    expect(result.description).toBe('s3://snapshots/autocomplete/prod/');
  });

  it('answers 503 with Retry-After while the source has no snapshot', async () => {
    const node = createNodeApp({ SNAPSHOT_S3_BUCKET: 'snapshots', SNAPSHOT_S3_ENDPOINT: s3.endpoint, SNAPSHOT_PREFIX: 'nothing/here', RETRY_SECONDS: '7' }, { s3ClientConfig });
    const response = await node.app.request('/species');
    node.dispose();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('7');
    expect((await response.json()).detail).toContain('s3://snapshots/nothing/here/ has no current.json');
  });
});

describe('rollback (docs/deploy.md)', () => {
  it('re-pointing current.json to an older version serves that version again', async () => {
    const two = await mkdtemp(join(tmpdir(), 'ea-rollback-'));
    try {
      await buildSnapshotDir({ dir: two, species: (name) => name === 'homo_sapiens' || name === 'mus_musculus' });
      const older = JSON.parse(await readFile(join(two, keys.pointer), 'utf8'));
      await buildSnapshotDir({ dir: two, species: (name) => name === 'homo_sapiens' });
      const node = createNodeApp({ SNAPSHOT_DIR: two, REFRESH_SECONDS: '1' });
      const species = async () => (await (await node.app.request('/species')).json()) as { snapshot: string; species: unknown[] };
      const newer = await species();
      expect(newer.species).toHaveLength(1);
      expect(newer.snapshot).not.toBe(older.version);
      // The documented procedure: a pointer naming the older version and its manifest.
      const pointer = { format: FORMAT_VERSION, version: older.version, manifest: `v/${older.version}/manifest.json`, published: new Date().toISOString() };
      await writeFile(join(two, keys.pointer), JSON.stringify(pointer));
      await expect.poll(async () => (await species()).snapshot, { timeout: 10_000, interval: 250 }).toBe(older.version);
      expect((await species()).species).toHaveLength(2);
    } finally {
      await rm(two, { recursive: true, force: true });
    }
  });
});

describe('settings', () => {
  it.each([
    [{}, /no snapshot source: set SNAPSHOT_DIR .*, SNAPSHOT_URL .* or SNAPSHOT_S3_BUCKET/],
    [{ SNAPSHOT_DIR: '/x', SNAPSHOT_URL: 'https://example.org/' }, /set only one snapshot source, not SNAPSHOT_DIR and SNAPSHOT_URL/],
    [{ SNAPSHOT_DIR: '/x', PORT: '70000' }, /PORT/],
    [{ SNAPSHOT_DIR: '/x', SNAPSHOT_S3_ENDPOINT: 'not a url' }, /SNAPSHOT_S3_ENDPOINT/],
    [{ SNAPSHOT_DIR: '/x', MAX_LIMIT: '0' }, /MAX_LIMIT/],
  ])('rejects %j', (env, message) => {
    expect(() => createNodeApp(env)).toThrow(ConfigError);
    expect(() => createNodeApp(env)).toThrow(message);
  });

  it('listens on 127.0.0.1 unless HOST says otherwise', async () => {
    const server = await startNodeServer({ SNAPSHOT_DIR: dir, PORT: '0' });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${server.url}/gene_suggest?species=mus_musculus&query=brca1`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('npm run serve:node', () => {
  const script = new URL('../../scripts/serve-node.ts', import.meta.url).pathname;

  function run(env: Record<string, string>) {
    const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { child, exited, output: () => ({ stdout, stderr }) };
  }

  it('serves until SIGTERM, then exits 0', async () => {
    const proc = run({ SNAPSHOT_DIR: dir, PORT: '0' });
    await expect.poll(() => proc.output().stdout, { timeout: 15_000 }).toMatch(/snapshot \S+: 2 species/);
    const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.output().stdout)![1];
    const health = await (await fetch(`${url}/health`)).json();
    expect(health.status).toBe('ok');
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });

  it('exits 2 with the reason when misconfigured', async () => {
    const proc = run({ SNAPSHOT_DIR: dir, SNAPSHOT_URL: 'https://example.org/' });
    expect(await proc.exited).toBe(2);
    expect(proc.output().stderr).toContain('set only one snapshot source');
  });
});
