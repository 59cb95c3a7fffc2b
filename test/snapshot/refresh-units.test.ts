/** The small pure parts of snapshot-refresh: guard, pruning rules, globs, URLs, database ranking. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirStore } from '../../snapshot/refresh/dir-store.ts';
import { FORMAT_VERSION, keys, OBJECT_HASH_LENGTH, type SpeciesEntry } from '../../snapshot/format.ts';
import { xzCompress } from '../../snapshot/refresh/xz-encode.ts';
import { checkShrink } from '../../snapshot/refresh/guard.ts';
import { parseMysqlUrl, rankDatabases, releaseOf } from '../../snapshot/refresh/mysql-source.ts';
import { pruneVersions } from '../../snapshot/refresh/prune.ts';
import { speciesMatcher } from '../../snapshot/refresh/rows.ts';

const ref = (key: string) => ({ key, bytes: 1, json_bytes: 1 });
const entry = (labels: number): SpeciesEntry => ({
  labels,
  rows: labels,
  core: null,
  root: ref('v/20261123T000000Z-0000/s/00.json.xz'),
  objects: { count: 1, bytes: 1, json_bytes: 1 },
  input_hash: '0'.repeat(24),
});
const manifestOf = (species: Record<string, number>) => ({
  species: Object.fromEntries(Object.entries(species).map(([s, n]) => [s, entry(n)])),
});

describe('shrink guard', () => {
  it('passes growth, small losses and a first snapshot', () => {
    expect(checkShrink(null, manifestOf({ a: 1 }), 0.1).ok).toBe(true);
    expect(checkShrink(manifestOf({ a: 100, b: 100 }), manifestOf({ a: 100, b: 100, c: 5 }), 0.1).ok).toBe(true);
    expect(checkShrink(manifestOf({ a: 100, b: 100 }), manifestOf({ a: 100, b: 80 }), 0.1).ok).toBe(true); // -10 % exactly
  });
  it('refuses when species or total labels fall by more than the limit', () => {
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`s${i}`, 100]));
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`s${i}`, 100]));
    const verdict = checkShrink(manifestOf(ten), manifestOf(nine), 0.05);
    expect(verdict.ok).toBe(false);
    expect(verdict.reasons).toEqual(['species fell from 10 to 9 (-10 %, limit 5 %)', 'labels fell from 1000 to 900 (-10 %, limit 5 %)']);
    const halfEmpty = checkShrink(manifestOf({ a: 1000, b: 1000 }), manifestOf({ a: 1000, b: 10 }), 0.1);
    expect(halfEmpty.ok).toBe(false);
    expect(halfEmpty.reasons).toEqual(['labels fell from 2000 to 1010 (-49.5 %, limit 10 %)']);
  });
});

describe('pruning', () => {
  const v = (minutesAgo: number, tag: string, now: Date) => {
    const stamp = new Date(now.getTime() - minutesAgo * 60_000).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    return `${stamp}-${tag}`;
  };
  it('keeps the current, the one before, n old ones and young unfinished or newer versions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prune-'));
    try {
      const store = new DirStore(dir);
      const now = new Date('2026-11-23T12:00:00Z');
      const day = 24 * 60;
      const old1 = v(5 * day, 'aaaa', now);
      const old2 = v(4 * day, 'bbbb', now);
      const old3 = v(3 * day, 'cccc', now);
      const previous = v(2 * day, 'dddd', now);
      const current = v(day, 'eeee', now);
      const staleOrphan = v(1.5 * day, 'ffff', now); // no manifest, old: a failed run
      const inFlight = v(5, 'abcd', now); // newer than current and young: maybe still uploading
      const oldLoser = v(day - 60, 'beef', now); // newer than current but a day old: lost a race
      const brandNewIncomplete = v(1, 'cafe', now);
      const complete = [old1, old2, old3, previous, current, oldLoser];
      for (const version of [...complete, staleOrphan, inFlight, brandNewIncomplete]) {
        await store.put(keys.object(version, 'homo_sapiens', 'ab'.repeat(OBJECT_HASH_LENGTH / 2)), new Uint8Array([1]));
        if (complete.includes(version)) await store.put(keys.manifest(version), emptyManifest(version));
      }
      await store.put(keys.manifest(inFlight), emptyManifest(inFlight));
      const dry = await pruneVersions(store, { current, previous, keep: 2, now, graceMs: 12 * 3600_000, dryRun: true });
      expect((await store.list('v/')).length).toBe(16);
      const result = await pruneVersions(store, { current, previous, keep: 2, now, graceMs: 12 * 3600_000 });
      expect(result).toEqual(dry);
      expect(result.kept.sort()).toEqual([old3, previous, current, inFlight, brandNewIncomplete].sort());
      expect(result.deleted.sort()).toEqual([old1, old2, staleOrphan, oldLoser].sort());
      const left = new Set((await store.list('v/')).map((key) => key.split('/')[1]));
      expect([...left].sort()).toEqual(result.kept.sort());
      // keep 0 still keeps the one before.
      const zero = await pruneVersions(store, { current, previous, keep: 0, now, graceMs: 12 * 3600_000 });
      expect(zero.deleted).toEqual([old3]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** A manifest with no species: it refers to no objects. */
function emptyManifest(version: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ format: FORMAT_VERSION, version, created: new Date().toISOString(), source: { kind: 'tsv', database: null, release: null }, species: {} }));
}

describe('pruning objects that later versions refer to', () => {
  it('keeps the objects of a pruned version that a kept version still uses', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prune-refs-'));
    try {
      const store = new DirStore(dir);
      const now = new Date('2026-11-23T12:00:00Z');
      const [old, previous, current] = ['20261118T000000Z-aaaa', '20261120T000000Z-bbbb', '20261122T000000Z-cccc'];
      const shared = keys.object(old, 'homo_sapiens', '11'.repeat(OBJECT_HASH_LENGTH / 2));
      const unused = keys.object(old, 'homo_sapiens', '22'.repeat(OBJECT_HASH_LENGTH / 2));
      const rootKey = keys.object(current, 'homo_sapiens', '33'.repeat(OBJECT_HASH_LENGTH / 2));
      await store.put(shared, new Uint8Array([1]));
      await store.put(unused, new Uint8Array([2]));
      const root = { format: FORMAT_VERSION, species: 'homo_sapiens', labels: 1, versions: [old], chunks: [['', 0, '11'.repeat(OBJECT_HASH_LENGTH / 2), 1, 1]], typos: [] };
      await store.put(rootKey, await xzCompress(new TextEncoder().encode(JSON.stringify(root))));
      await store.put(keys.manifest(old), emptyManifest(old));
      await store.put(keys.manifest(previous), emptyManifest(previous));
      const manifest = JSON.parse(new TextDecoder().decode(emptyManifest(current)));
      manifest.species.homo_sapiens = { ...entry(1), root: ref(rootKey) };
      await store.put(keys.manifest(current), new TextEncoder().encode(JSON.stringify(manifest)));

      const result = await pruneVersions(store, { current, previous, keep: 0, now });
      expect(result.deleted).toEqual([old]);
      expect(await store.list(`v/${old}/`)).toEqual([shared]);
      expect(result.objects).toBe(2); // its manifest and the object nobody uses
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('species globs', () => {
  it('matches whole names, case-insensitively, with * and ?', () => {
    const match = speciesMatcher(['homo_sapiens', 'mus_*', 'gallus_gallus_gca?????????v5'])!;
    expect(['homo_sapiens', 'mus_musculus', 'mus_spretus', 'gallus_gallus_gca000002315v5', 'HOMO_SAPIENS'].every(match)).toBe(true);
    expect(['homo_sapiens_x', 'xmus_musculus', 'gallus_gallus', 'homo.sapiens'].some(match)).toBe(false);
    expect(speciesMatcher(undefined)).toBeUndefined();
    expect(speciesMatcher([' ', ''])).toBeUndefined();
  });
});

describe('MySQL URLs and databases', () => {
  it('parses the default and explicit URLs, the password only from the URL or MYSQL_PWD', () => {
    expect(parseMysqlUrl('mysql://anonymous@ensembldb.ensembl.org:3306/')).toEqual({
      host: 'ensembldb.ensembl.org',
      port: 3306,
      user: 'anonymous',
      password: undefined,
      database: undefined,
    });
    expect(parseMysqlUrl('mysql://me@db.example:3307/ensembl_autocomplete_115', 'pw')).toMatchObject({
      port: 3307,
      user: 'me',
      password: 'pw',
      database: 'ensembl_autocomplete_115',
    });
    expect(() => parseMysqlUrl('http://x/')).toThrow(/expected mysql:/);
    expect(() => parseMysqlUrl('not a url')).toThrow(/not a URL/);
  });
  it('ranks autocomplete and website databases by release, newest first', () => {
    expect(rankDatabases(['ensembl_website_99', 'ensembl_autocomplete_101', 'ensembl_website_100', 'ensembl_autocomplete_115', 'ensembl_autocomplete_99x', 'other'])).toEqual([
      'ensembl_autocomplete_115',
      'ensembl_autocomplete_101',
      'ensembl_website_100',
      'ensembl_website_99',
    ]);
    expect(rankDatabases(['ensembl_website_101', 'ensembl_autocomplete_101'])).toEqual(['ensembl_autocomplete_101', 'ensembl_website_101']);
    expect(releaseOf('ensembl_website_97')).toBe(97);
    expect(releaseOf('my_copy')).toBeNull();
  });
});
