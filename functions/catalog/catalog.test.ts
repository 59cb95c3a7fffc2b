/** SnapshotCatalog in Node over a snapshot directory, with a controllable clock. */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys, type Manifest } from '../../snapshot/format.ts';
import { nodeXzDecoder } from '../../snapshot/refresh/xz-node.ts';
import { buildSnapshotDir } from '../../test/support/sample.ts';
import { dirSource } from '../node/dir-source.ts';
import { SnapshotCatalog, SnapshotUnavailableError, UnknownSpeciesError } from './catalog.ts';
import { ByteBudgetLru } from './lru.ts';

let sample: string;
beforeAll(async () => {
  sample = await buildSnapshotDir({ species: (s) => ['homo_sapiens', 'mus_musculus', 'saccharomyces_cerevisiae'].includes(s) });
}, 60_000);

async function copy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ea-catalog-'));
  await cp(sample, dir, { recursive: true });
  return dir;
}

function catalogOver(dir: string, memoryBudgetBytes = 64 << 20) {
  const clock = { now: 0 };
  const catalog = new SnapshotCatalog(dirSource(dir), nodeXzDecoder(), {
    refreshSeconds: 30,
    retrySeconds: 5,
    memoryBudgetBytes,
    now: () => clock.now,
  });
  return { catalog, advance: (s: number) => (clock.now += s * 1000) };
}

describe('SnapshotCatalog', () => {
  it('loads species lazily and reports them in health', async () => {
    const { catalog } = catalogOver(await copy());
    expect((await catalog.health()).loadedSpecies).toEqual([]);
    const { page } = await catalog.search('mus_musculus', 'brca', 10);
    expect(page.suggestions.filter((s) => s.match.kind === 'label').map((s) => s.label)).toEqual(['Brca1', 'Brca2']);
    const health = await catalog.health();
    expect(health.status).toBe('ok');
    expect(health.loadedSpecies.map((s) => s.species)).toEqual(['mus_musculus']);
  });

  it('throws UnknownSpeciesError for a species the manifest lacks', async () => {
    const { catalog } = catalogOver(await copy());
    await expect(catalog.search('gorilla_gorilla', 'a', 10)).rejects.toBeInstanceOf(UnknownSpeciesError);
  });

  it('re-reads the pointer only after refreshSeconds', async () => {
    const dir = await copy();
    const { catalog, advance } = catalogOver(dir);
    const first = (await catalog.snapshot()).manifest.version;
    await writeFile(join(dir, keys.pointer), 'not json');
    advance(10);
    expect((await catalog.snapshot()).manifest.version).toBe(first); // not re-read yet
    advance(25);
    // Re-read and failed: keeps serving the last good snapshot, reports degraded.
    expect((await catalog.snapshot()).manifest.version).toBe(first);
    expect((await catalog.health()).status).toBe('degraded');
  });

  it('evicts least recently used objects beyond the memory budget', async () => {
    const dir = await copy();
    const { catalog: probe } = catalogOver(dir);
    await probe.search('saccharomyces_cerevisiae', 'YAL', 10);
    const yeast = (await probe.health()).memoryBytes;
    // Room for yeast's objects alone: loading them must push out human's, least recent first.
    const { catalog } = catalogOver(dir, yeast + 1);
    await catalog.search('homo_sapiens', 'BRC', 10);
    await catalog.search('saccharomyces_cerevisiae', 'YAL', 10);
    const loaded = (await catalog.health()).loadedSpecies.map((s) => s.species);
    expect(loaded).toEqual(['saccharomyces_cerevisiae']);
  });

  it('fails with SnapshotUnavailableError when no pointer exists, and retries later', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ea-empty-'));
    const { catalog, advance } = catalogOver(dir);
    await expect(catalog.snapshot()).rejects.toBeInstanceOf(SnapshotUnavailableError);
    await cp(sample, dir, { recursive: true });
    await expect(catalog.snapshot()).rejects.toBeInstanceOf(SnapshotUnavailableError);
    advance(6);
    expect((await catalog.snapshot()).manifest.species).toHaveProperty('homo_sapiens');
  });

  it('rejects a manifest that disagrees with the pointer', async () => {
    const dir = await copy();
    const pointer = JSON.parse(await readFile(join(dir, keys.pointer), 'utf8'));
    const manifest = JSON.parse(await readFile(join(dir, pointer.manifest), 'utf8')) as Manifest;
    await writeFile(join(dir, pointer.manifest), JSON.stringify({ ...manifest, version: '20000101T000000Z-0000' }));
    const { catalog } = catalogOver(dir);
    await expect(catalog.snapshot()).rejects.toThrow(/pointer says/);
  });
});

describe('ByteBudgetLru', () => {
  const item = (bytes: number) => ({ bytes });

  it('evicts the least recently used entries first and always keeps the newest', () => {
    const lru = new ByteBudgetLru<string, { bytes: number }>(10);
    lru.set('a', item(4));
    lru.set('b', item(4));
    lru.get('a'); // a is now more recent than b
    lru.set('c', item(4));
    expect([...lru.keys()]).toEqual(['a', 'c']);
    expect(lru.bytes).toBe(8);
    lru.set('huge', item(50));
    expect([...lru.keys()]).toEqual(['huge']);
  });
});
