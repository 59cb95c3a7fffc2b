/**
 * Failure handling in workerd over a real R2 binding: each test builds its own app on its own
 * key prefix with a controllable clock, using the same modules as functions/worker.ts.
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import xzWasm from '../../snapshot/xz-decompress.wasm';
import { keys, rootRef, type Manifest, type SpeciesRoot } from '../../snapshot/format.ts';
import { createXzDecoder, XzError } from '../../snapshot/unxz.ts';
import { createApp } from '../../functions/app.ts';
import { SnapshotCatalog } from '../../functions/catalog/catalog.ts';
import { r2Source } from '../../functions/catalog/source.ts';
import { parseConfig } from '../../functions/config.ts';
import { bytesOf, fixture, seed } from './fixture.ts';

const decoder = createXzDecoder(xzWasm);
const [v1, v2] = fixture.versions;

function makeApp(prefix: string) {
  const clock = { now: 1_000_000 };
  const catalog = new SnapshotCatalog(r2Source(env.SNAPSHOTS, prefix), decoder, {
    refreshSeconds: 60,
    retrySeconds: 10,
    memoryBudgetBytes: 64 << 20,
    now: () => clock.now,
  });
  const app = createApp({ catalog, config: parseConfig({}) });
  const get = async (path: string) => {
    const response = await app.request(path);
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
  };
  return { get, advance: (seconds: number) => (clock.now += seconds * 1000) };
}

/** The key of a species' root object in a version of the fixture. */
function rootKey(version: string, species: string): string {
  const manifest = JSON.parse(new TextDecoder().decode(bytesOf(fixture.objects[keys.manifest(version)]!))) as Manifest;
  return manifest.species[species]!.root.key;
}

/** Replaces a species' root object; `sizes` rewrite its manifest reference to match other bytes. */
async function replaceRoot(prefix: string, version: string, species: string, bytes: Uint8Array<ArrayBuffer>, sizes?: { bytes: number; json_bytes: number }) {
  await env.SNAPSHOTS.put(prefix + rootKey(version, species), bytes);
  if (!sizes) return;
  const manifestKey = prefix + keys.manifest(version);
  const manifest = (await (await env.SNAPSHOTS.get(manifestKey))!.json()) as Manifest;
  const entry = manifest.species[species]!;
  manifest.species[species] = { ...entry, root: { ...entry.root, ...sizes } };
  await env.SNAPSHOTS.put(manifestKey, JSON.stringify(manifest));
}

/** The size of a root's bytes and of its JSON. */
const sizesOf = (bytes: Uint8Array<ArrayBuffer>) => ({ bytes: bytes.byteLength, json_bytes: decoder.decode(bytes).byteLength });

const humanRoot = (version: string) => bytesOf(fixture.objects[rootKey(version, 'homo_sapiens')]!);
/** The first chunk of the human species in a version. */
const humanChunk = (version: string) => {
  const root = JSON.parse(new TextDecoder().decode(decoder.decode(humanRoot(version)))) as SpeciesRoot;
  return bytesOf(fixture.objects[rootRef(root, root.chunks[0]!).key]!);
};
const mouseRoot = () => bytesOf(fixture.objects[rootKey(v1, 'mus_musculus')]!);

describe('no snapshot reachable', () => {
  it('answers 503 with Retry-After, then recovers once a snapshot appears', async () => {
    const { get, advance } = makeApp('empty/');
    const response = await get('/autocomplete?species=homo_sapiens&q=BRC');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('10');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect((await get('/health')).body.status).toBe('unavailable');

    await seed('empty/');
    expect((await get('/autocomplete?species=homo_sapiens&q=BRC')).status).toBe(503); // failure remembered briefly
    advance(11);
    const recovered = await get('/autocomplete?species=homo_sapiens&q=BRC');
    expect(recovered.status).toBe(200);
    expect(recovered.body.snapshot).toBe(v1);
  });
});

describe('bad objects', () => {
  const flip = (b: Uint8Array<ArrayBuffer>) => b.map((x, i) => (i === b.byteLength >> 1 ? x ^ 0xff : x));
  const cut = (b: Uint8Array<ArrayBuffer>) => b.slice(0, b.byteLength - 40);
  it.each([
    // Damaged in transit: the reference still describes the good bytes.
    ['corrupt', () => ({ bytes: flip(humanRoot(v1)) }), /xz/, true],
    ['truncated', () => ({ bytes: cut(humanRoot(v1)) }), /bytes, its reference says/, true],
    // Written wrong: the reference describes these very bytes (sizes), not their content.
    ['truncated xz whose size its reference gives', () => ({ bytes: cut(humanRoot(v1)), sizes: { ...sizesOf(humanRoot(v1)), bytes: humanRoot(v1).byteLength - 40 } }), /xz/, false],
    ['valid xz of other JSON (SHA-256 mismatch)', () => ({ bytes: mouseRoot(), sizes: sizesOf(mouseRoot()) }), /SHA-256/, false],
    ['valid xz decoding past its reference', () => ({ bytes: humanRoot(v1), sizes: { ...sizesOf(humanRoot(v1)), json_bytes: sizesOf(humanRoot(v1)).json_bytes - 1 } }), /decodes to more than/, false],
  ] as const)('rejects a %s root object with 503 and keeps other species serving', async (_name, damage, reason, heals) => {
    const prefix = `bad-${Math.random().toString(16).slice(2)}/`;
    await seed(prefix);
    const { bytes, sizes } = damage() as { bytes: Uint8Array<ArrayBuffer>; sizes?: { bytes: number; json_bytes: number } };
    await replaceRoot(prefix, v1, 'homo_sapiens', bytes, sizes);
    const { get, advance } = makeApp(prefix);
    const response = await get('/autocomplete?species=homo_sapiens&q=BRC');
    expect(response.status).toBe(503);
    expect(response.body.detail).toMatch(reason);
    expect(response.headers.get('retry-after')).toBe('10');
    expect((await get('/autocomplete?species=mus_musculus&q=brca')).status).toBe(200);
    const health = await get('/health');
    expect(health.body.status).toBe('degraded');
    expect(health.body.errors.join(' ')).toMatch(reason);

    // A repaired object is picked up after the retry delay: failures are not cached forever.
    // (Manifests are immutable per version, so only an object damaged in transit can heal.)
    if (heals) {
      await replaceRoot(prefix, v1, 'homo_sapiens', humanRoot(v1));
      expect((await get('/autocomplete?species=homo_sapiens&q=BRC')).status).toBe(503);
      advance(11);
      expect((await get('/autocomplete?species=homo_sapiens&q=BRC')).status).toBe(200);
    }
  });

  it('answers 503 for a missing object', async () => {
    await seed('missing/');
    await env.SNAPSHOTS.delete('missing/' + rootKey(v1, 'homo_sapiens'));
    const { get } = makeApp('missing/');
    const response = await get('/autocomplete?species=homo_sapiens&q=BRC');
    expect(response.status).toBe(503);
    expect(response.body.detail).toMatch(/missing/);
  });

  it('keeps serving the last good version when the new version of a species is bad', async () => {
    await seed('lastgood/');
    const { get, advance } = makeApp('lastgood/');
    expect((await get('/autocomplete?species=homo_sapiens&q=BRC')).body.snapshot).toBe(v1);

    await replaceRoot('lastgood/', v2, 'homo_sapiens', humanRoot(v2).slice(0, 100), { ...sizesOf(humanRoot(v2)), bytes: 100 });
    await env.SNAPSHOTS.put('lastgood/' + keys.pointer, fixture.pointers[1]);
    advance(61);
    const response = await get('/autocomplete?species=homo_sapiens&q=BRC');
    expect(response.status).toBe(200);
    expect(response.body.snapshot).toBe(v1);
    expect(response.body.suggestions.slice(0, 4).map((s: { label: string }) => s.label)).toEqual(['BRCA1', 'BRCA2', 'BRCC3', 'BRCC3P1']);
    expect((await get('/health')).body.status).toBe('degraded');
    // Species the old snapshot had but the new one lacks are gone.
    expect((await get('/autocomplete?species=bos_taurus&q=B')).status).toBe(404);
  });
});

describe('xz decoding in workerd', () => {
  it('decodes a real chunk and rejects truncated or corrupt input', () => {
    const shard = humanChunk(v1);
    const json = JSON.parse(new TextDecoder().decode(decoder.decode(shard)));
    expect(json.species).toBe('homo_sapiens');
    expect(json.granks.length).toBeGreaterThan(100);
    expect(() => decoder.decode(shard.slice(0, shard.byteLength / 2))).toThrow(XzError);
    expect(() => decoder.decode(shard.map((x, i) => (i === 3000 ? x ^ 0x55 : x)))).toThrow(XzError);
    expect(() => decoder.decode(new TextEncoder().encode('not xz at all'))).toThrow(XzError);
    // The decoder stays usable after errors.
    expect(decoder.decode(shard).byteLength).toBeGreaterThan(10_000);
    // A dictionary fitted to the shard keeps the WASM memory small.
    expect(decoder.memoryBytes).toBeLessThan(8 << 20);
  });

  it('serves concurrent cold requests for different species', async () => {
    await seed('');
    const species = ['bos_taurus', 'gallus_gallus', 'sus_scrofa', 'felis_catus', 'equus_caballus', 'rattus_norvegicus'];
    const responses = await Promise.all(species.map((s) => SELF.fetch(`https://worker.test/autocomplete?species=${s}&q=a`)));
    expect(responses.map((r) => r.status)).toEqual(species.map(() => 200));
  });
});
