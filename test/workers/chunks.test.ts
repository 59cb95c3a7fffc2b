/**
 * Chunked loading in workerd over a real R2 binding, reads counted at the source: a query reads
 * its species' root and the one chunk its prefix lives in; a short prefix is answered from one
 * chunk too, and with a larger limit from one answer object more; a bad chunk fails only the queries that need it; a new version keeps what did not
 * change; and answers go through the Cache API, so a fresh isolate of the same location answers
 * a repeated question without loading anything, and never with an older version's answer.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import xzWasm from '../../snapshot/xz-decompress.wasm';
import { keys, rootRef, type Manifest, type SpeciesRoot } from '../../snapshot/format.ts';
import { createXzDecoder } from '../../snapshot/unxz.ts';
import { cacheApiAnswers, type SharedAnswers } from '../../functions/answer-cache.ts';
import { createApp } from '../../functions/app.ts';
import { SnapshotCatalog } from '../../functions/catalog/catalog.ts';
import { r2Source, type SnapshotSource } from '../../functions/catalog/source.ts';
import { parseConfig } from '../../functions/config.ts';
import { warmUp } from '../../functions/warm-up.ts';
import { bytesOf, fixture, seed } from './fixture.ts';

const decoder = createXzDecoder(xzWasm);
const [v1, v2] = fixture.versions;

const json = <T,>(bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as T;
const manifestOf = (version: string) => json<Manifest>(bytesOf(fixture.objects[keys.manifest(version)]!));
const rootOf = (version: string, species: string) => json<SpeciesRoot>(decoder.decode(bytesOf(fixture.objects[manifestOf(version).species[species]!.root.key]!)));

/** An app over `prefix` whose source records every key it reads. */
function makeApp(prefix: string, shared?: SharedAnswers) {
  const clock = { now: 1_000_000 };
  const inner = r2Source(env.SNAPSHOTS, prefix);
  const reads: string[] = [];
  const source: SnapshotSource = {
    description: inner.description,
    get: (key) => {
      reads.push(key);
      return inner.get(key);
    },
  };
  const catalog = new SnapshotCatalog(source, decoder, { refreshSeconds: 60, retrySeconds: 10, memoryBudgetBytes: 64 << 20, now: () => clock.now });
  const app = createApp({ catalog, config: parseConfig({}), shared });
  const get = async (path: string) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(`https://worker.test${path}`), {}, ctx);
    const body = (await response.json()) as Record<string, any>;
    await waitOnExecutionContext(ctx);
    return { status: response.status, body };
  };
  return { get, reads, advance: (seconds: number) => (clock.now += seconds * 1000) };
}

/** The objects of a version's species that a list of reads touched, by kind. */
function touched(reads: readonly string[], version: string, species: string) {
  const entry = manifestOf(version).species[species]!;
  const root = rootOf(version, species);
  const chunkKeys = new Set(root.chunks.map((c) => rootRef(root, c).key));
  const typoKeys = new Set(root.typos.map((t) => rootRef(root, t).key));
  const answerKeys = new Set((root.answers ?? []).map((a) => rootRef(root, a).key));
  return {
    root: reads.filter((k) => k === entry.root.key).length,
    chunks: reads.filter((k) => chunkKeys.has(k)).length,
    answers: reads.filter((k) => answerKeys.has(k)).length,
    typos: reads.filter((k) => typoKeys.has(k)).length,
  };
}

describe('chunked loading', () => {
  it('reads the root and the one chunk a query needs', async () => {
    await seed('count/');
    const { get, reads } = makeApp('count/');
    expect(rootOf(v1, 'homo_sapiens').chunks.length).toBeGreaterThan(20);
    const response = await get('/autocomplete?species=homo_sapiens&q=ZNF5');
    expect(response.status).toBe(200);
    expect(response.body.total).toBeGreaterThan(10);
    expect(reads.slice(0, 2)).toEqual([keys.pointer, keys.manifest(v1)]);
    expect(touched(reads, v1, 'homo_sapiens')).toEqual({ root: 1, chunks: 1, answers: 0, typos: 0 });
    expect(reads).toHaveLength(4);
  });

  it('answers a short prefix, whose keys span many chunks, from one of them', async () => {
    await seed('short/');
    const { get, reads } = makeApp('short/');
    for (const q of ['b', 'TP', 'ENSG00000']) {
      reads.length = 0;
      const response = await get(`/autocomplete?species=homo_sapiens&q=${q}`);
      expect(response.status).toBe(200);
      expect(response.body.suggestions).toHaveLength(10);
      expect(touched(reads, v1, 'homo_sapiens').chunks, q).toBe(1);
    }
  });

  it('answers a larger limit for such a prefix from its first chunk and one answer object', async () => {
    await seed('long/');
    expect(rootOf(v1, 'homo_sapiens').answers!.length).toBeGreaterThan(1);
    for (const q of ['b', 's', 'ENSG00000']) {
      const { get, reads } = makeApp('long/');
      const response = await get(`/autocomplete?species=homo_sapiens&q=${q}&limit=100`);
      expect(response.status).toBe(200);
      expect(response.body.total, q).toBeGreaterThan(100);
      expect(response.body.suggestions, q).toHaveLength(100);
      expect(touched(reads, v1, 'homo_sapiens'), q).toEqual({ root: 1, chunks: 1, answers: 1, typos: 0 });
    }
  });

  it('reads the typo object of the first character only when the ranked matches fall short', async () => {
    await seed('typo/');
    const { get, reads } = makeApp('typo/');
    const response = await get('/autocomplete?species=homo_sapiens&q=EGRF');
    expect(response.body.total).toBe(0);
    expect(response.body.suggestions.map((s: { label: string }) => s.label)).toContain('EGFR');
    expect(touched(reads, v1, 'homo_sapiens').typos).toBe(1);
  });

  it('fails only the queries that need a bad chunk, and heals once it is repaired', async () => {
    await seed('badchunk/');
    const root = rootOf(v1, 'homo_sapiens');
    const { get, advance } = makeApp('badchunk/');
    // Find the chunk ZNF5 lives in by what a fresh app reads for it.
    const probe = makeApp('badchunk/');
    await probe.get('/autocomplete?species=homo_sapiens&q=ZNF5');
    const chunk = rootRef(root, root.chunks.find((c) => probe.reads.includes(rootRef(root, c).key))!);
    const good = bytesOf(fixture.objects[chunk.key]!);
    await env.SNAPSHOTS.put(`badchunk/${chunk.key}`, good.map((x, i) => (i === good.byteLength >> 1 ? x ^ 0xff : x)));

    const bad = await get('/autocomplete?species=homo_sapiens&q=ZNF5');
    expect(bad.status).toBe(503);
    expect(bad.body.detail).toMatch(/xz: corrupt/);
    // Another prefix of the same species lives elsewhere and still answers.
    expect((await get('/autocomplete?species=homo_sapiens&q=BRCA')).status).toBe(200);
    expect((await get('/health')).body.status).toBe('degraded');

    await env.SNAPSHOTS.put(`badchunk/${chunk.key}`, good);
    expect((await get('/autocomplete?species=homo_sapiens&q=ZNF5')).status).toBe(503); // remembered briefly
    advance(11);
    expect((await get('/autocomplete?species=homo_sapiens&q=ZNF5')).status).toBe(200);
  });

  it('keeps what did not change across versions and reads only what did', async () => {
    await seed('swap/');
    const { get, reads, advance } = makeApp('swap/');
    await get('/autocomplete?species=mus_musculus&q=Brca');
    await get('/autocomplete?species=homo_sapiens&q=ZNF5');
    await get('/autocomplete?species=homo_sapiens&q=BRCA');
    // v2: mouse unchanged (same root); human's root and BRCA1's chunks are new, ZNF5's is not.
    expect(manifestOf(v2).species.mus_musculus!.root).toEqual(manifestOf(v1).species.mus_musculus!.root);
    expect(manifestOf(v2).species.homo_sapiens!.root.key).not.toBe(manifestOf(v1).species.homo_sapiens!.root.key);
    await env.SNAPSHOTS.put(`swap/${keys.pointer}`, fixture.pointers[1]);
    advance(61);
    reads.length = 0;
    const mouse = await get('/autocomplete?species=mus_musculus&q=Brca');
    expect(mouse.body.snapshot).toBe(v2);
    expect(reads).toEqual([keys.pointer, keys.manifest(v2)]);
    reads.length = 0;
    const znf = await get('/autocomplete?species=homo_sapiens&q=ZNF5');
    expect(znf.body.snapshot).toBe(v2);
    expect(touched(reads, v2, 'homo_sapiens')).toEqual({ root: 1, chunks: 0, answers: 0, typos: 0 });
    const brca = await get('/autocomplete?species=homo_sapiens&q=BRCA1');
    expect(brca.body.suggestions[0]).toMatchObject({ label: 'BRCA1', locations: ['17:1-2'] });
  });
});

describe('module-scope warm-up', () => {
  it('answers its queries from the built-in snapshot with the xz decoder in workerd', async () => {
    // What functions/worker.ts runs at module scope; there it must also avoid Response and I/O.
    expect(await warmUp(decoder, 1)).toBeGreaterThan(10_000);
  });
});

describe('answers through the Cache API', () => {
  it('lets a fresh isolate answer a repeated question without loading the species, and never with an old version', async () => {
    await seed('shared/');
    const cache = await caches.open(`answers-${Math.random()}`);
    const path = '/autocomplete?species=homo_sapiens&q=her2';
    const first = makeApp('shared/', cacheApiAnswers(cache));
    const answer = await first.get(path);
    expect(answer.body.suggestions[0]).toMatchObject({ label: 'ERBB2', match: { kind: 'synonym', text: 'HER2' } });
    expect(touched(first.reads, v1, 'homo_sapiens').chunks).toBeGreaterThan(0);

    const second = makeApp('shared/', cacheApiAnswers(cache));
    expect(await second.get(path)).toEqual(answer);
    expect(second.reads).toEqual([keys.pointer, keys.manifest(v1)]);

    await env.SNAPSHOTS.put(`shared/${keys.pointer}`, fixture.pointers[1]);
    const third = makeApp('shared/', cacheApiAnswers(cache));
    const fresh = await third.get(path);
    expect(fresh.body.snapshot).toBe(v2);
    expect(touched(third.reads, v2, 'homo_sapiens').root).toBe(1);
  });
});
