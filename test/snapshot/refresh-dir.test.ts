/**
 * The `--out` directory store, where compare-and-swap on the pointer is enforced locally:
 * two refreshes at once (exactly one wins), storage failing mid-upload, Ctrl-C, dry run, and
 * a failure while writing never moving the pointer.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirStore } from '../../snapshot/refresh/dir-store.ts';
import { EXIT, RefreshError } from '../../snapshot/refresh/errors.ts';
import { keys, manifestSchema, pointerSchema } from '../../snapshot/format.ts';
import { Publication, readCurrent } from '../../snapshot/refresh/publish.ts';
import { refresh } from '../../snapshot/refresh/refresh.ts';
import { xzCompress } from '../../snapshot/refresh/xz-encode.ts';
import { TsvSource } from '../../snapshot/refresh/rows.ts';
import { PreconditionFailedError, StorageError, type ObjectStore, type PutOptions } from '../../snapshot/refresh/store.ts';
import { FAST_XZ, runCli, startCli } from '../support/cli.ts';
import { readSpecies } from '../support/read-snapshot.ts';
import { PUBLIC_TSV } from '../support/mysql.ts';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'refresh-dir-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const SOME = (s: string) => /^(homo|mus|danio|gallus|sacch)/.test(s);
const source = () => async () => new TsvSource(PUBLIC_TSV, SOME);

/** Fails the nth put (1-based), or the put of a key ending so, with a storage error, like a network drop mid-upload. */
class FailingStore implements ObjectStore {
  readonly description: string;
  puts = 0;
  private readonly inner: ObjectStore;
  private readonly failAt: number | string;
  constructor(inner: ObjectStore, failAt: number | string) {
    this.inner = inner;
    this.failAt = failAt;
    this.description = `failing(${inner.description})`;
  }
  get(key: string) {
    return this.inner.get(key);
  }
  async put(key: string, body: Uint8Array, options?: PutOptions) {
    if (++this.puts === this.failAt || (typeof this.failAt === 'string' && key.endsWith(this.failAt))) {
      throw new StorageError('unreachable', `connection reset writing ${key}`);
    }
    return this.inner.put(key, body, options);
  }
  list(prefix: string) {
    return this.inner.list(prefix);
  }
  delete(k: string[]) {
    return this.inner.delete(k);
  }
}

describe('the directory store', () => {
  it('lets exactly one of two concurrent refreshes publish', async () => {
    const out = join(work, 'race');
    const first = await runCli(['--tsv', PUBLIC_TSV, '--out', out, '--species', 'homo_sapiens']);
    expect(first.code, first.stderr).toBe(EXIT.OK);
    // Both read the same pointer at the start; whoever commits second must fail.
    const args = ['--tsv', PUBLIC_TSV, '--out', out, '--species', 'homo_sapiens,mus_musculus,gallus_gallus', '--json'];
    const a = startCli(args);
    const b = startCli(args);
    const results = await Promise.all([a.done, b.done]);
    const codes = results.map((r) => r.code).sort();
    expect(codes, results.map((r) => r.stderr).join('\n----\n')).toEqual([EXIT.OK, EXIT.CONFLICT]);
    const winner = JSON.parse(results.find((r) => r.code === EXIT.OK)!.stdout);
    const loser = results.find((r) => r.code === EXIT.CONFLICT)!;
    expect(loser.stderr).toMatch(/current\.json changed while we were publishing \(another refresh won the race\)/);
    expect(JSON.parse(loser.stdout)).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    const pointer = pointerSchema.parse(JSON.parse(await readFile(join(out, 'current.json'), 'utf8')));
    expect(pointer.version).toBe(winner.version);
    // The loser's complete version stays as an orphan for pruning; the pointer never named it.
    expect((await readdir(join(out, 'v'))).length).toBe(3);
  });

  it('enforces compare-and-swap on the pointer between two publications', async () => {
    const store = new DirStore(join(work, 'cas'));
    const options = { source: { kind: 'tsv' as const, database: null, release: null } };
    const shardOf = async () => {
      const summary = await refresh({ store, openSource: source() });
      return summary;
    };
    const base = await shardOf();
    const current = await readCurrent(store);
    const one = new Publication(store, options, current!.etag);
    const two = new Publication(store, options, current!.etag);
    for (const p of [one, two]) {
      Object.assign(p.species, current!.manifest.species);
    }
    await one.commit();
    await expect(two.commit()).rejects.toBeInstanceOf(PreconditionFailedError);
    expect((await readCurrent(store))!.pointer.version).toBe(one.version);
    expect(one.version).not.toBe(base.version);
    // No pointer at all: If-None-Match semantics.
    const empty = new DirStore(join(work, 'cas-empty'));
    await empty.put('current.json', new TextEncoder().encode('{}'), { ifMatch: null });
    await expect(empty.put('current.json', new TextEncoder().encode('{}'), { ifMatch: null })).rejects.toBeInstanceOf(PreconditionFailedError);
  });

  it('leaves the pointer untouched when storage fails mid-upload, at every step', async () => {
    const dir = join(work, 'failing');
    const good = await refresh({ store: new DirStore(dir), openSource: source() });
    const before = await readFile(join(dir, 'current.json'));
    // One more species than published, so its objects are written (the others are reused):
    // fail on its first object, on a later one, and on the manifest.
    const more = async () => new TsvSource(PUBLIC_TSV, (s) => SOME(s) || s === 'bos_taurus');
    for (const failAt of [1, 3, '/manifest.json']) {
      const store = new FailingStore(new DirStore(dir), failAt);
      const error = await refresh({ store, openSource: more, force: true, jobs: 1, preset: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RefreshError);
      expect((error as RefreshError).exitCode).toBe(EXIT.STORAGE_UNREACHABLE);
      expect(await readFile(join(dir, 'current.json'))).toEqual(before);
    }
    expect((await readCurrent(new DirStore(dir)))!.pointer.version).toBe(good.version);
  });

  it('rebuilds over a published root that an earlier build laid out otherwise, reusing none of its objects', async () => {
    const dir = join(work, 'older');
    const human = async () => new TsvSource(PUBLIC_TSV, (s) => s === 'homo_sapiens');
    const first = await refresh({ store: new DirStore(dir), openSource: human, jobs: 0, preset: 1 });
    const current = (await readCurrent(new DirStore(dir)))!;
    const entry = current.manifest.species.homo_sapiens!;
    // The root as an earlier layout wrote it (objects by name), and an input hash that no longer
    // matches, as after a change of the builder: the species must be rebuilt.
    const older = { format: 2, species: 'homo_sapiens', labels: 1, chunks: [{ first: '', ref: entry.root }], typos: {} };
    await new DirStore(dir).put(entry.root.key, await xzCompress(new TextEncoder().encode(JSON.stringify(older)), { preset: 1 }));
    const manifest = { ...current.manifest, species: { homo_sapiens: { ...entry, input_hash: '0'.repeat(64) } } };
    await new DirStore(dir).put(keys.manifest(first.version), new TextEncoder().encode(JSON.stringify(manifest)));
    const second = await refresh({ store: new DirStore(dir), openSource: human, jobs: 0, preset: 1 });
    expect(second.species[0]!.reused).toBe(false);
    const rebuilt = manifestSchema.parse(JSON.parse(await readFile(join(dir, keys.manifest(second.version)), 'utf8')));
    expect(rebuilt.species.homo_sapiens!.root.key).not.toBe(entry.root.key);
    const read = (key: string) => readFile(join(dir, key)).then((b) => new Uint8Array(b));
    expect((await (await readSpecies(read, 'homo_sapiens', rebuilt.species.homo_sapiens!)).search('BRCA1')).suggestions[0]!.label).toBe('BRCA1');
  });

  it('fails verification when storage gives back other bytes than it was given', async () => {
    const dir = join(work, 'corrupt');
    class Corrupting extends DirStore {
      override async get(key: string) {
        const object = await super.get(key);
        if (object && key.endsWith('.json.xz')) object.body[object.body.length - 1]! ^= 1;
        return object;
      }
    }
    const error = await refresh({ store: new Corrupting(dir), openSource: source() }).catch((e: unknown) => e);
    expect((error as RefreshError).exitCode).toBe(EXIT.STORAGE_FAILED);
    expect((error as Error).message).toMatch(/verification: .* differ/);
    await expect(readFile(join(dir, keys.pointer))).rejects.toThrow(/ENOENT/);
  });

  it('stops on Ctrl-C without touching the pointer', async () => {
    const out = join(work, 'sigint');
    const first = await runCli(['--tsv', PUBLIC_TSV, '--out', out, '--species', 'homo_sapiens']);
    expect(first.code, first.stderr).toBe(EXIT.OK);
    const before = await readFile(join(out, 'current.json'));
    const cli = startCli(['--tsv', PUBLIC_TSV, '--out', out, '--jobs', '1', '--force']);
    await cli.waitFor(/^\[1\]/);
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(EXIT.INTERRUPTED);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^snapshot-refresh: interrupted; the current snapshot was left untouched/);
    expect(await readFile(join(out, 'current.json'))).toEqual(before);
  });

  it('--dry-run encodes and validates everything but writes nothing', async () => {
    const out = join(work, 'dry');
    const result = await runCli(['--tsv', PUBLIC_TSV, '--out', out, '--dry-run', '--json', ...FAST_XZ]);
    expect(result.code, result.stderr).toBe(EXIT.OK);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ ok: true, dry_run: true, version: null, totals: { species: 19, labels: 302_650, rows: 307_512 } });
    expect(summary.totals.bytes).toBeGreaterThan(1_000_000);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
    // Without any target, too.
    const bare = await runCli(['--tsv', PUBLIC_TSV, '--dry-run', '--species', 'homo_sapiens']);
    expect(bare.code, bare.stderr).toBe(EXIT.OK);
    expect(bare.stderr).toMatch(/dry run: 1 species, 36,609 labels/);
  });

  it('rejects bad usage with exit code 2 and a one-line message', async () => {
    const none = await runCli(['--tsv', PUBLIC_TSV]);
    expect(none.code).toBe(EXIT.USAGE);
    expect(none.stderr.trim()).toMatch(/^snapshot-refresh: no target: give --out <dir> or --bucket <name>/);
    const both = await runCli(['--tsv', PUBLIC_TSV, '--out', work, '--bucket', 'abc']);
    expect(both.code).toBe(EXIT.USAGE);
    const badKeep = await runCli(['--tsv', PUBLIC_TSV, '--out', work, '--keep', '-1']);
    expect(badKeep.code).toBe(EXIT.USAGE);
    expect(badKeep.stderr.trim().split('\n')).toHaveLength(1);
    const unknown = await runCli(['--tsv', PUBLIC_TSV, '--out', work, '--secret-access-key', 'x']);
    expect(unknown.code).toBe(EXIT.USAGE);
    const missing = await runCli(['--tsv', join(work, 'nope.tsv'), '--out', join(work, 'nope')]);
    expect(missing.code, missing.stderr).toBe(EXIT.SOURCE_FAILED);
    expect(missing.stderr).toMatch(/ENOENT/);
  });

  it('writes a snapshot whose manifest matches its objects', async () => {
    const dir = join(work, 'roundtrip');
    const summary = await refresh({ store: new DirStore(dir), openSource: source(), jobs: 2, preset: 1 });
    const manifest = manifestSchema.parse(JSON.parse(await readFile(join(dir, keys.manifest(summary.version)), 'utf8')));
    expect(Object.keys(manifest.species)).toEqual(['gallus_gallus', 'gallus_gallus_gca000002315v5', 'homo_sapiens', 'mus_musculus', 'saccharomyces_cerevisiae']);
    for (const [species, entry] of Object.entries(manifest.species)) {
      expect((await readFile(join(dir, entry.root.key))).byteLength, species).toBe(entry.root.bytes);
      const content = await readSpecies(async (key) => new Uint8Array(await readFile(join(dir, key))), species, entry);
      expect(content.labels, species).toHaveLength(entry.labels);
    }
  });
});
