/**
 * Publishing to a real S3-compatible server on loopback (s3rver): publish and read back,
 * pointer last with the conditional-write header, storage failing mid-upload, access denied,
 * unreachable endpoint, the shrink guard and pruning, through the CLI as a subprocess.
 */
import { GetObjectCommand, ListObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../snapshot/refresh/errors.ts';
import { keys, listedObjects, manifestSchema, pointerSchema, rootRef } from '../../snapshot/format.ts';
import { refresh } from '../../snapshot/refresh/refresh.ts';
import { readTsvBatches, TsvSource, type SpeciesRow } from '../../snapshot/refresh/rows.ts';
import { S3Store } from '../../snapshot/refresh/s3-store.ts';
import { FAST_XZ, runCli, startCli } from '../support/cli.ts';
import { readSpecies } from '../support/read-snapshot.ts';
import { PUBLIC_TSV } from '../support/mysql.ts';
import { S3_CREDENTIALS, startS3, type TestS3 } from '../support/s3.ts';

const BUCKET = 'snapshots';
let s3: TestS3;
let client: S3Client;

beforeAll(async () => {
  s3 = await startS3([BUCKET]);
  client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
});

afterAll(async () => {
  client?.destroy();
  await s3?.close();
});

async function getObject(key: string): Promise<Uint8Array | null> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return await out.Body!.transformToByteArray();
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return null;
    throw error;
  }
}

/**
 * Every key under `prefix`, a page (1000 keys) at a time. ListObjects v1: s3rver makes v2's
 * continuation tokens with DES, which Node 22's OpenSSL 3 no longer has.
 */
async function listKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let marker: string | undefined;
  for (;;) {
    const out = await client.send(new ListObjectsCommand({ Bucket: BUCKET, Prefix: prefix, Marker: marker }));
    keys.push(...(out.Contents ?? []).map((o) => o.Key!));
    if (!out.IsTruncated) return keys.sort();
    marker = out.NextMarker ?? keys.at(-1);
  }
}

const json = (bytes: Uint8Array | null) => JSON.parse(new TextDecoder().decode(bytes!));

async function readTsvRows(path: string): Promise<SpeciesRow[]> {
  const rows: SpeciesRow[] = [];
  for await (const batch of readTsvBatches(path)) rows.push(...batch);
  return rows;
}

function cliArgs(prefix: string, ...more: string[]): string[] {
  return ['--tsv', PUBLIC_TSV, '--bucket', BUCKET, '--prefix', prefix, '--endpoint', s3.endpoint, '--region', 'us-east-1', ...FAST_XZ, ...more];
}

/** A store whose client records every PutObject (key and conditional headers) in order. */
function recordingStore(prefix: string) {
  const store = new S3Store({
    bucket: BUCKET,
    prefix,
    endpoint: s3.endpoint,
    region: 'us-east-1',
    clientConfig: { credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } },
  });
  const puts: Array<{ key: string; ifMatch?: string; ifNoneMatch?: string }> = [];
  store.client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { method?: string; path?: string; headers?: Record<string, string> };
      if (request.method === 'PUT') {
        puts.push({
          key: decodeURIComponent(request.path ?? '').replace(`/${BUCKET}/`, ''),
          ifMatch: request.headers?.['if-match'],
          ifNoneMatch: request.headers?.['if-none-match'],
        });
      }
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordPuts' },
  );
  return { store, puts };
}

describe('publishing to S3', () => {
  it('uploads every shard and the manifest, then the pointer last, with If-None-Match / If-Match', async () => {
    const prefix = 'cas';
    const { store, puts } = recordingStore(prefix);
    const first = await refresh({ store, openSource: async () => new TsvSource(PUBLIC_TSV, (s) => s.startsWith('homo') || s.startsWith('mus')) });
    expect(puts.at(-1)).toEqual({ key: `${prefix}/current.json`, ifNoneMatch: '*', ifMatch: undefined });
    expect(puts.slice(0, -1).every((p) => p.key.startsWith(`${prefix}/v/${first.version}/`) && !p.ifMatch && !p.ifNoneMatch)).toBe(true);
    expect(puts.at(-2)!.key).toBe(`${prefix}/${keys.manifest(first.version)}`);
    // Before them, each species' objects: its chunks, then its root.
    const roots = Object.values(manifestSchema.parse(json(await getObject(`${prefix}/${keys.manifest(first.version)}`))).species).map((e) => `${prefix}/${e.root.key}`);
    expect(roots).toHaveLength(2);
    expect(puts.slice(0, -2).map((p) => p.key)).toEqual(expect.arrayContaining(roots));
    expect(puts.slice(0, -2).every((p) => p.key.endsWith('.json.xz'))).toBe(true);

    const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}/current.json` }));
    const etag = out.ETag!;
    puts.length = 0;
    const second = await refresh({ store, openSource: async () => new TsvSource(PUBLIC_TSV, (s) => s.startsWith('homo') || s.startsWith('mus')) });
    expect(puts.at(-1)).toEqual({ key: `${prefix}/current.json`, ifMatch: etag, ifNoneMatch: undefined });
    expect(second.previous).toBe(first.version);
    expect(json(await getObject(`${prefix}/current.json`)).version).toBe(second.version);
    store.destroy();
  });

  it('uploads nothing for species whose input did not change, and only the changed objects of one that did', async () => {
    const prefix = 'incremental';
    const { store, puts } = recordingStore(prefix);
    const rows = (await readTsvRows(PUBLIC_TSV)).filter((r) => r.species === 'homo_sapiens' || r.species === 'mus_musculus');
    const changed = join(await mkdtemp(join(tmpdir(), 'incremental-')), 'changed.tsv');
    const write = (list: typeof rows) =>
      writeFile(changed, ['species\tstable_id\tdisplay_label\tlocation', ...list.map((r) => [r.species, r.stableId, r.label ?? '', r.location ?? ''].join('\t'))].join('\n'));
    await write(rows);
    const run = () => refresh({ store, openSource: async () => new TsvSource(changed), preset: 1 });
    const first = await run();
    expect(first.totals.reused).toBe(0);

    puts.length = 0;
    const same = await run();
    expect(same.totals).toMatchObject({ species: 2, reused: 2, uploaded_bytes: 0 });
    expect(puts.map((p) => p.key)).toEqual([`${prefix}/${keys.manifest(same.version)}`, `${prefix}/current.json`]);

    // BRCA1 moves: only the objects holding its payload change (no key, rank or typo changes).
    await write(rows.map((r) => (r.label === 'BRCA1' ? { ...r, location: '17:1-2' } : r)));
    puts.length = 0;
    const moved = await run();
    expect(moved.species.map((r) => [r.species, r.reused])).toEqual([['homo_sapiens', false], ['mus_musculus', true]]);
    const manifest = manifestSchema.parse(json(await getObject(`${prefix}/${keys.manifest(moved.version)}`)));
    const human = await readSpecies((key) => getObject(`${prefix}/${key}`), 'homo_sapiens', manifest.species.homo_sapiens!);
    const uploaded = puts.slice(0, -2).map((p) => p.key.slice(prefix.length + 1));
    expect(uploaded.every((key) => key.startsWith(`v/${moved.version}/homo_sapiens/`))).toBe(true);
    expect(uploaded).toContain(manifest.species.homo_sapiens!.root.key);
    expect(human.root.typos.some((t) => uploaded.includes(rootRef(human.root, t).key))).toBe(false);
    const newChunks = human.root.chunks.filter((c) => uploaded.includes(rootRef(human.root, c).key)).length;
    expect(newChunks).toBeGreaterThan(0);
    expect(newChunks).toBeLessThan(human.root.chunks.length / 4);
    expect((await human.search('BRCA1')).suggestions[0]).toMatchObject({ label: 'BRCA1', locations: ['17:1-2'] });
    store.destroy();
  }, 120_000);

  it('publishes through the CLI and reads back a valid snapshot', async () => {
    const result = await runCli(cliArgs('cli', '--json'), S3_CREDENTIALS);
    expect(result.code, result.stderr).toBe(EXIT.OK);
    const pointer = pointerSchema.parse(json(await getObject('cli/current.json')));
    const manifest = manifestSchema.parse(json(await getObject(`cli/${pointer.manifest}`)));
    expect(Object.keys(manifest.species)).toHaveLength(19);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, version: pointer.version, store: 's3://snapshots/cli/' });
    const entry = manifest.species.homo_sapiens!;
    expect((await getObject(`cli/${entry.root.key}`))!.byteLength).toBe(entry.root.bytes);
    const human = await readSpecies((key) => getObject(`cli/${key}`), 'homo_sapiens', entry);
    expect(human.labels.filter((l) => l.startsWith('BRC')).slice(0, 4)).toEqual(['BRCA1', 'BRCA2', 'BRCC3', 'BRCC3P1']);
    // The manifest and every species' root, chunks and typo objects, all under the new version.
    let objects = 1;
    for (const [species, e] of Object.entries(manifest.species)) {
      const { root } = await readSpecies((key) => getObject(`cli/${key}`), species, e);
      objects += 1 + listedObjects(root).length;
    }
    expect(await listKeys(`cli/v/${pointer.version}/`)).toHaveLength(objects);
  }, 120_000);

  it('refuses to publish a shrunken snapshot unless --force, and leaves nothing behind', async () => {
    const first = await runCli(cliArgs('guard'), S3_CREDENTIALS);
    expect(first.code, first.stderr).toBe(EXIT.OK);
    const before = await getObject('guard/current.json');
    const versions = await listKeys('guard/v/');

    // 2 of 19 species: species and labels both fall by far more than 10 %.
    const refused = await runCli(cliArgs('guard', '--species', 'homo_sapiens,mus_musculus', '--json'), S3_CREDENTIALS);
    expect(refused.code, refused.stderr).toBe(EXIT.GUARD_REFUSED);
    expect(refused.stderr).toMatch(/refusing to replace .*species fell from 19 to 2/);
    expect(JSON.parse(refused.stdout).error.kind).toBe('guard-refused');
    expect(await getObject('guard/current.json')).toEqual(before);
    expect(await listKeys('guard/v/')).toEqual(versions);

    // 17 of 19 species (no worm, no yeast) is -10.5 % species and -4.9 % labels: refused at
    // the default 10 %, accepted with --max-shrink 11.
    const most = 'a*,b*,canis_*,e*,f*,g*,h*,ma*,mo*,mu*,o*,p*,r*,su*,x*';
    const tight = await runCli(cliArgs('guard', '--species', most), S3_CREDENTIALS);
    expect(tight.code, tight.stderr).toBe(EXIT.GUARD_REFUSED);
    expect(tight.stderr).toMatch(/species fell from 19 to 17 \(-10.5 %, limit 10 %\)/);
    expect(tight.stderr).not.toMatch(/labels fell/);
    const loose = await runCli(cliArgs('guard', '--species', most, '--max-shrink', '11'), S3_CREDENTIALS);
    expect(loose.code, loose.stderr).toBe(EXIT.OK);

    const forced = await runCli(cliArgs('guard', '--species', 'homo_sapiens', '--force', '--json'), S3_CREDENTIALS);
    expect(forced.code, forced.stderr).toBe(EXIT.OK);
    const summary = JSON.parse(forced.stdout);
    expect(summary.guard).toMatchObject({ ok: false, forced: true });
    expect(json(await getObject('guard/current.json')).version).toBe(summary.version);
  }, 180_000);

  it('prunes old versions with --keep, never the current one or the one before', async () => {
    const published: string[] = [];
    for (let i = 0; i < 4; i++) {
      const result = await runCli(cliArgs('prune', '--species', 'homo_sapiens', '--json', '--keep', '1'), S3_CREDENTIALS);
      expect(result.code, result.stderr).toBe(EXIT.OK);
      published.push(JSON.parse(result.stdout).version);
    }
    const manifests = async () => new Set((await listKeys('prune/v/')).filter((key) => key.endsWith('/manifest.json')).map((key) => key.split('/')[2]));
    const used = async (version: string) => {
      const manifest = manifestSchema.parse(json(await getObject(`prune/${keys.manifest(version)}`)));
      const human = await readSpecies((key) => getObject(`prune/${key}`), 'homo_sapiens', manifest.species.homo_sapiens!);
      return [manifest.species.homo_sapiens!.root.key, ...human.root.chunks.map((c) => rootRef(human.root, c).key)];
    };
    // --keep 1: the current version and one old one (the one before).
    expect([...(await manifests())].sort()).toEqual(published.slice(-2).sort());
    // The input never changed, so every version uses the objects the first one wrote: pruned
    // versions lose their manifests, not the objects kept ones still use.
    const objects = await used(published.at(-1)!);
    expect(objects.every((key) => key.startsWith(`v/${published[0]}/`))).toBe(true);
    const keep0 = await runCli(cliArgs('prune', '--species', 'homo_sapiens', '--json', '--keep', '0'), S3_CREDENTIALS);
    expect(keep0.code, keep0.stderr).toBe(EXIT.OK);
    // Even --keep 0 keeps the one before.
    expect([...(await manifests())].sort()).toEqual([published.at(-1), JSON.parse(keep0.stdout).version].sort());
    expect(await used(JSON.parse(keep0.stdout).version)).toEqual(objects);
  });

  it('exits "storage access denied" on bad credentials and "storage unreachable" on a dead endpoint', async () => {
    // s3rver knows one access key (and does not check secrets): an unknown key is refused.
    const denied = await runCli(cliArgs('denied'), { ...S3_CREDENTIALS, AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY', AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    expect(denied.code, denied.stderr).toBe(EXIT.STORAGE_ACCESS_DENIED);
    expect(denied.stderr.trim().split('\n').at(-1)).toMatch(/^snapshot-refresh: storage access denied: .*InvalidAccessKeyId/);
    expect(denied.stderr).not.toContain('not-the-secret');
    const dead = await runCli(
      ['--tsv', PUBLIC_TSV, '--bucket', BUCKET, '--endpoint', 'http://127.0.0.1:1', '--region', 'us-east-1'],
      S3_CREDENTIALS,
    );
    expect(dead.code, dead.stderr).toBe(EXIT.STORAGE_UNREACHABLE);
    const noBucket = await runCli(['--tsv', PUBLIC_TSV, '--bucket', 'no-such-bucket', '--endpoint', s3.endpoint, '--region', 'us-east-1'], S3_CREDENTIALS);
    expect(noBucket.code, noBucket.stderr).toBe(EXIT.STORAGE_UNREACHABLE);
  });
});

describe('storage failing mid-upload', () => {
  it('leaves the pointer untouched when the S3 server goes away during the run', async () => {
    const own = await startS3([BUCKET]);
    try {
      const args = ['--tsv', PUBLIC_TSV, '--bucket', BUCKET, '--endpoint', own.endpoint, '--region', 'us-east-1', '--jobs', '1'];
      const first = await runCli([...args, '--species', 'homo_sapiens'], S3_CREDENTIALS);
      expect(first.code, first.stderr).toBe(EXIT.OK);
      const before = await own.stop().then(() => own.restart()).then(async () => {
        const c = new S3Client({ endpoint: own.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
        const out = await c.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'current.json' }));
        const body = await out.Body!.transformToString();
        c.destroy();
        return body;
      });

      const cli = startCli([...args, '--force'], S3_CREDENTIALS);
      await cli.waitFor(/^\[2\]/);
      await own.stop();
      const result = await cli.done;
      expect(result.code, result.stderr).toBe(EXIT.STORAGE_UNREACHABLE);
      expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^snapshot-refresh: storage unreachable: /);

      await own.restart();
      const c = new S3Client({ endpoint: own.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      const out = await c.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'current.json' }));
      expect(await out.Body!.transformToString()).toBe(before);
      c.destroy();
    } finally {
      await own.close();
    }
  });
});
