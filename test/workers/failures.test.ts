/**
 * Failure handling in workerd over a real R2 binding: each test builds its own app on its own
 * key prefix with a controllable clock, using the same modules as functions/worker.ts.
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import xzWasm from '../../snapshot/xz-decompress.wasm';
import { keys, type Manifest } from '../../snapshot/format.ts';
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

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Replaces a shard's bytes; with `updateManifest` its manifest entry is made to match them. */
async function replaceShard(prefix: string, version: string, species: string, bytes: Uint8Array<ArrayBuffer>, updateManifest: boolean) {
  await env.SNAPSHOTS.put(prefix + keys.shard(version, species), bytes);
  if (!updateManifest) return;
  const manifestKey = prefix + keys.manifest(version);
  const manifest = (await (await env.SNAPSHOTS.get(manifestKey))!.json()) as Manifest;
  manifest.species[species] = { ...manifest.species[species]!, bytes: bytes.byteLength, sha256: await sha256(bytes) };
  await env.SNAPSHOTS.put(manifestKey, JSON.stringify(manifest));
}

const humanShard = (version: string) => bytesOf(fixture.objects[keys.shard(version, 'homo_sapiens')]!);

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

describe('bad shards', () => {
  it.each([
    ['corrupt (sha256 mismatch)', (b: Uint8Array<ArrayBuffer>) => b.map((x, i) => (i === 200 ? x ^ 0xff : x)), false, /sha256/],
    ['truncated', (b: Uint8Array<ArrayBuffer>) => b.slice(0, b.byteLength - 100), false, /bytes, the manifest says/],
    ['corrupt xz with a matching sha256', (b: Uint8Array<ArrayBuffer>) => b.map((x, i) => (i === 5000 ? x ^ 0xff : x)), true, /xz/],
    ['truncated xz with a matching sha256', (b: Uint8Array<ArrayBuffer>) => b.slice(0, b.byteLength - 100), true, /xz/],
  ] as const)('rejects a %s shard with 503 and keeps other species serving', async (_name, damage, updateManifest, reason) => {
    const prefix = `bad-${Math.random().toString(16).slice(2)}/`;
    await seed(prefix);
    await replaceShard(prefix, v1, 'homo_sapiens', damage(humanShard(v1)), updateManifest);
    const { get, advance } = makeApp(prefix);
    const response = await get('/autocomplete?species=homo_sapiens&q=BRC');
    expect(response.status).toBe(503);
    expect(response.body.detail).toMatch(reason);
    expect(response.headers.get('retry-after')).toBe('10');
    expect((await get('/autocomplete?species=mus_musculus&q=brca')).status).toBe(200);
    const health = await get('/health');
    expect(health.body.status).toBe('degraded');
    expect(health.body.errors.join(' ')).toMatch(reason);

    // A repaired shard is picked up after the retry delay: failures are not cached forever.
    // (Manifests are immutable per version, so only a shard damaged in transit can heal.)
    if (!updateManifest) {
      await replaceShard(prefix, v1, 'homo_sapiens', humanShard(v1), false);
      expect((await get('/autocomplete?species=homo_sapiens&q=BRC')).status).toBe(503);
      advance(11);
      expect((await get('/autocomplete?species=homo_sapiens&q=BRC')).status).toBe(200);
    }
  });

  it('answers 503 for a missing shard', async () => {
    await seed('missing/');
    await env.SNAPSHOTS.delete('missing/' + keys.shard(v1, 'homo_sapiens'));
    const { get } = makeApp('missing/');
    const response = await get('/autocomplete?species=homo_sapiens&q=BRC');
    expect(response.status).toBe(503);
    expect(response.body.detail).toMatch(/missing/);
  });

  it('keeps serving the last good version when the new version of a species is bad', async () => {
    await seed('lastgood/');
    const { get, advance } = makeApp('lastgood/');
    expect((await get('/autocomplete?species=homo_sapiens&q=BRC')).body.snapshot).toBe(v1);

    await replaceShard('lastgood/', v2, 'homo_sapiens', humanShard(v2).slice(0, 1000), true);
    await env.SNAPSHOTS.put('lastgood/' + keys.pointer, fixture.pointers[1]);
    advance(61);
    const response = await get('/autocomplete?species=homo_sapiens&q=BRC');
    expect(response.status).toBe(200);
    expect(response.body.snapshot).toBe(v1);
    expect(response.body.suggestions.map((s: { label: string }) => s.label)).toEqual(['BRCA1', 'BRCA2', 'BRCC3', 'BRCC3P1']);
    expect((await get('/health')).body.status).toBe('degraded');
    // Species the old snapshot had but the new one lacks are gone.
    expect((await get('/autocomplete?species=bos_taurus&q=B')).status).toBe(404);
  });
});

describe('xz decoding in workerd', () => {
  it('decodes a real shard and rejects truncated or corrupt input', () => {
    const shard = humanShard(v1);
    const json = JSON.parse(new TextDecoder().decode(decoder.decode(shard)));
    expect(json.species).toBe('homo_sapiens');
    expect(json.labels).toHaveLength(36609);
    expect(() => decoder.decode(shard.slice(0, shard.byteLength / 2))).toThrow(XzError);
    expect(() => decoder.decode(shard.map((x, i) => (i === 3000 ? x ^ 0x55 : x)))).toThrow(XzError);
    expect(() => decoder.decode(new TextEncoder().encode('not xz at all'))).toThrow(XzError);
    // The decoder stays usable after errors.
    expect(decoder.decode(shard).byteLength).toBeGreaterThan(1_000_000);
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
