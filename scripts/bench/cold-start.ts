/**
 * Section 2, cold start in workerd: what the first query for a species costs in a fresh
 * isolate: R2 gets of its root and the objects the query needs, unxz (WASM), SHA-256 checks,
 * JSON parse, index build, the answer.
 *
 * Time is taken from outside (inside a Worker, clocks are coarse and, in production, stand
 * still while code runs). For each of 20
 * seeded prefixes (lengths 1-6, of random labels) and each species, a fresh Miniflare (a fresh
 * isolate) on the bundle `wrangler deploy --dry-run` produces, R2 persisted and seeded once,
 * answer caching off (ANSWER_CACHE_MB=0) so that a repeat runs the index:
 *   1. GET /health: reads pointer + manifest (not timed);
 *   2. GET /autocomplete for the prefix: the cold request, timed;
 *   3. the same request again: warm (everything it needs is loaded);
 *   species load = (2) - (3).
 * A second fresh isolate per prefix times the very first request with nothing before it
 * (pointer, manifest and species load; the app is built at module scope), minus the warm one.
 * A third, for the prefixes of 1-2 characters, times the species load with limit=100, which
 * reads an answer object besides the first chunk. Part of a species load is waiting for R2, which in production is I/O rather than CPU: a probe
 * worker times, in fresh isolates, the R2 gets of the objects a cold query reads. A Node run
 * gives a per-object breakdown and the module-scope warm-up's cost in a fresh process.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChunkIndex } from '../../functions/name-index/chunk-index.ts';
import { typoIndexOf } from '../../functions/name-index/typo-index.ts';
import { rootRef } from '../../snapshot/format.ts';
import { decodeObject } from '../../functions/catalog/objects.ts';
import { nodeXzDecoder } from '../../snapshot/refresh/xz-node.ts';
import { parseQuery, rangePrefix } from '../../functions/name-index/query.ts';
import { atMost, benchData, fmt, fmtBytes, HUMAN, loadSpecies, median, prng, quantile, ROOT, round, run, table, type BenchContext, type LoadedSpecies, type SpeciesObject, type Target } from './lib.ts';
import { buildProductBundle, seedR2, startWorker, type Bundle } from './workerd.ts';

export interface ColdStartSpecies {
  species: string;
  labels: number;
  chunks: number;
  prefixes: string[];
  /** Per prefix: cold minus warm request (ms), after /health. */
  species_load_ms: number[];
  species_load_p50_ms: number;
  species_load_max_ms: number;
  /** Per prefix: the first request of a fresh isolate, minus the warm one. */
  first_request_ms: number[];
  first_request_p50_ms: number;
  first_request_max_ms: number;
  warm_request_p50_ms: number;
  /** xz decoder WASM memory, the largest seen (from /health). */
  xz_memory_bytes: number;
  /** Per prefix: R2 gets of the root and the first chunk the query reads, in a fresh isolate (ms, summed). */
  r2_get_ms: number[];
  r2_get_p50_ms: number;
  /** Per prefix of 1-2 characters: species load with limit=100 (its long answer, if it has one). */
  long_limit_load_ms: number[];
  long_limit_load_p50_ms: number;
  long_limit_load_max_ms: number;
  /** Node, warm JIT: decode + parse + build per object kind (ms, medians). */
  node_breakdown_ms: Record<string, number>;
}

export interface ColdStartResult {
  species: ColdStartSpecies[];
  /** The module-scope warm-up in a fresh Node process (ms, median of 5). */
  warm_up_ms: number;
}

/** The larger limit measured besides the default: the API's largest. */
const LONG_LIMIT = 100;

/** Prefixes of lengths 1-6 (in turn) of random labels, seeded. */
export function seededPrefixes(labels: readonly string[], count: number, seed: number): string[] {
  const rand = prng(seed);
  const out: string[] = [];
  while (out.length < count) {
    const length = 1 + (out.length % 6);
    const label = labels[Math.floor(rand() * labels.length)]!;
    if (label.length >= length) out.push(label.slice(0, length));
  }
  return out;
}

async function measure(bundle: Bundle, persist: string, prefix: string, species: string, q: string, healthFirst: boolean, limit = 10) {
  const { mf } = await startWorker({ bundle, persist, bindings: { SNAPSHOT_PREFIX: prefix, ANSWER_CACHE_MB: '0' } });
  try {
    const get = async (path: string) => {
      const t0 = performance.now();
      const response = await mf.dispatchFetch(`http://bench.local${path}`);
      const body = await response.text();
      const ms = performance.now() - t0;
      if (response.status !== 200) throw new Error(`GET ${path}: HTTP ${response.status} ${body.slice(0, 200)}`);
      return { ms, body };
    };
    if (healthFirst) await get('/health');
    const path = `/autocomplete?species=${species}&q=${encodeURIComponent(q)}&limit=${limit}`;
    const cold = await get(path);
    const warm = await get(path);
    const health = JSON.parse((await get('/health')).body) as { xz_memory_bytes: number };
    return { cold: cold.ms, warm: warm.ms, xzMemory: health.xz_memory_bytes };
  } finally {
    await mf.dispose();
  }
}

/** Times R2 gets from inside a worker: its clock advances locally, in whole milliseconds. */
const R2_PROBE = `export default {
  async fetch(request, env) {
    let ms = 0;
    for (const key of new URL(request.url).searchParams.getAll('key')) {
      const t0 = performance.now();
      await (await env.SNAPSHOTS.get(key)).arrayBuffer();
      ms += performance.now() - t0;
    }
    return new Response(String(ms));
  },
};`;

async function r2Gets(probe: Bundle, persist: string, keys: string[]): Promise<number> {
  const { mf } = await startWorker({ bundle: probe, persist });
  try {
    await mf.dispatchFetch('http://bench.local/?key=' + encodeURIComponent(keys[0]!)); // as /health reads the pointer first
    const response = await mf.dispatchFetch(`http://bench.local/?${keys.map((k) => `key=${encodeURIComponent(k)}`).join('&')}`);
    return Number(await response.text());
  } finally {
    await mf.dispose();
  }
}

/** The R2 keys a cold query for `q` reads first: the species' root and the first chunk covering it. */
function coldKeys(loaded: LoadedSpecies, prefix: string, q: string): string[] {
  const chunk = loaded.covering.run(rangePrefix(parseQuery(q)))[0]!;
  return [loaded.entry.root.key, rootRef(loaded.root, loaded.root.chunks[chunk]!).key].map((k) => prefix + k);
}

async function warmUpMs(): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) runs.push(JSON.parse((await run(process.execPath, [join(ROOT, 'scripts/bench/warm-up-probe.ts')])).stdout).ms);
  return round(median(runs), 1);
}

/** Decode, parse and build of each object kind in Node (medians over the objects, warm JIT). */
function nodeBreakdown(loaded: LoadedSpecies): Record<string, number> {
  const xz = nodeXzDecoder();
  const time = (objects: SpeciesObject[], build: (json: Uint8Array) => void) => {
    const unxz: number[] = [];
    const parse: number[] = [];
    for (const o of objects) {
      const t0 = performance.now();
      const json = xz.decode(o.xz);
      const t1 = performance.now();
      build(json);
      unxz.push(t1 - t0);
      parse.push(performance.now() - t1);
    }
    return { unxz: round(median(unxz), 2), build: round(median(parse), 2), max: round(Math.max(...objects.map((_, i) => unxz[i]! + parse[i]!)), 2) };
  };
  const of = (kind: SpeciesObject['kind']) => loaded.objects.filter((o) => o.kind === kind);
  const root = time(of('root'), (json) => decodeObject('root', loaded.species, json));
  const chunk = time(of('chunk'), (json) => ChunkIndex.fromJson(loaded.species, json));
  const typos = time(of('typos'), (json) => {
    const value = JSON.parse(new TextDecoder().decode(json));
    typoIndexOf(value, loaded.species, value.first);
  });
  return {
    root_unxz: root.unxz,
    root_parse: root.build,
    chunk_unxz: chunk.unxz,
    chunk_build: chunk.build,
    chunk_max: chunk.max,
    typos_unxz: typos.unxz,
    typos_build: typos.build,
    typos_max: typos.max,
  };
}

export async function benchColdStart(ctx: BenchContext): Promise<{ result: ColdStartResult; markdown: string; targets: Target[] }> {
  const data = await benchData(ctx);
  const bundle = await buildProductBundle(ctx);
  const persist = join(ctx.dataDir, 'r2-cold-start');
  await rm(persist, { recursive: true, force: true });
  await seedR2(bundle, persist, data.publicSnap.dir, 'public/');
  await seedR2(bundle, persist, data.synthSnap.dir, 'synth/');
  const probeDir = join(ctx.dataDir, 'bundle-r2-probe');
  await mkdir(probeDir, { recursive: true });
  await writeFile(join(probeDir, 'worker.js'), R2_PROBE);
  const probe: Bundle = { entry: join(probeDir, 'worker.js'), wasm: [] };

  const cases = [
    { species: HUMAN, prefix: 'public/', loaded: await loadSpecies(data.publicSnap, HUMAN) },
    { species: data.largest, prefix: 'synth/', loaded: await loadSpecies(data.synthSnap, data.largest) },
  ];
  const count = ctx.quick ? 6 : 20;
  const details: ColdStartSpecies[] = [];
  for (const c of cases) {
    const prefixes = seededPrefixes(c.loaded.labels, count, 20261201);
    const load: number[] = [];
    const first: number[] = [];
    const warm: number[] = [];
    const r2: number[] = [];
    let xzMemory = 0;
    for (const q of prefixes) {
      const m = await measure(bundle, persist, c.prefix, c.species, q, true);
      load.push(round(m.cold - m.warm, 1));
      warm.push(m.warm);
      xzMemory = Math.max(xzMemory, m.xzMemory);
      const f = await measure(bundle, persist, c.prefix, c.species, q, false);
      first.push(round(f.cold - f.warm, 1));
      r2.push(await r2Gets(probe, persist, coldKeys(c.loaded, c.prefix, q)));
      ctx.log(`  ${c.species} ${JSON.stringify(q)}: species load ${fmt(m.cold - m.warm, 1)} ms, first request ${fmt(f.cold - f.warm, 1)} ms`);
    }
    // Short prefixes span chunks: with a limit above their stored 10 hits they read an answer object.
    const long: number[] = [];
    for (const q of prefixes.filter((p) => p.length <= 2)) {
      const m = await measure(bundle, persist, c.prefix, c.species, q, true, LONG_LIMIT);
      long.push(round(m.cold - m.warm, 1));
      ctx.log(`  ${c.species} ${JSON.stringify(q)}, limit=${LONG_LIMIT}: species load ${fmt(m.cold - m.warm, 1)} ms`);
    }
    details.push({
      species: c.species,
      labels: c.loaded.labels.length,
      chunks: c.loaded.chunks.length,
      prefixes,
      species_load_ms: load,
      species_load_p50_ms: round(quantile(load, 0.5), 1),
      species_load_max_ms: round(Math.max(...load), 1),
      first_request_ms: first,
      first_request_p50_ms: round(quantile(first, 0.5), 1),
      first_request_max_ms: round(Math.max(...first), 1),
      warm_request_p50_ms: round(median(warm), 2),
      xz_memory_bytes: xzMemory,
      r2_get_ms: r2,
      r2_get_p50_ms: round(quantile(r2, 0.5), 1),
      long_limit_load_ms: long,
      long_limit_load_p50_ms: round(quantile(long, 0.5), 1),
      long_limit_load_max_ms: round(Math.max(...long), 1),
      node_breakdown_ms: nodeBreakdown(c.loaded),
    });
  }
  const warmUp = await warmUpMs();
  const targets = details.flatMap((d) => [
    atMost(`cold query, species load p50, ${d.species}`, d.species_load_p50_ms, 10, 'ms'),
    atMost(`cold query, species load max, ${d.species}`, d.species_load_max_ms, 10, 'ms'),
  ]);
  const steps = Object.keys(details[0]!.node_breakdown_ms);
  const markdown = [
    '### 2. Cold start in workerd',
    '',
    `A fresh isolate per query (Miniflare on the dry-run bundle, R2 seeded, answer caching off), ${count} seeded prefixes of lengths 1-6 per species. "species load" = the first /autocomplete for the prefix after /health, minus the same request again; "first request" = the same with nothing before it (adds the pointer and manifest reads; the app is built at module scope).`,
    '',
    table(
      ['species', 'labels', 'chunks', 'species load p50 / max ms', 'of which R2 gets, p50 ms', 'first request p50 / max ms', 'warm request ms', 'xz WASM memory'],
      details.map((d) => [d.species, fmt(d.labels), String(d.chunks), `${d.species_load_p50_ms} / ${d.species_load_max_ms}`, String(d.r2_get_p50_ms), `${d.first_request_p50_ms} / ${d.first_request_max_ms}`, String(d.warm_request_p50_ms), fmtBytes(d.xz_memory_bytes)]),
    ),
    '',
    `"R2 gets": the root and the first chunk a cold query reads, fetched by a probe worker in a fresh isolate after one other get (as /health reads the pointer): Miniflare's local R2, which in production is I/O wait, not CPU. The module-scope warm-up (functions/warm-up.ts) costs ${warmUp} ms of isolate startup in a fresh Node process (median of 5); on Workers that is startup budget (1 s), not a request's CPU.`,
    '',
    ...details.map((d) => `${d.species}: ${d.prefixes.map((p, i) => `${JSON.stringify(p)} ${d.species_load_ms[i]}`).join(', ')} (ms of species load per prefix)`),
    '',
    `With limit=${LONG_LIMIT} (the API's largest), the same prefixes of 1-2 characters, whose keys span chunks, read their first chunk and an answer object: ${details.map((d) => `${d.species} species load p50 / max ${d.long_limit_load_p50_ms} / ${d.long_limit_load_max_ms} ms (${d.prefixes.filter((p) => p.length <= 2).map((p, i) => `${JSON.stringify(p)} ${d.long_limit_load_ms[i]}`).join(', ')})`).join('; ')}.`,
    '',
    'Node, per object (ms, medians over the species\' objects, warm JIT; workerd runs them cold):',
    '',
    table(['species', ...steps], details.map((d) => [d.species, ...steps.map((k) => String(d.node_breakdown_ms[k]))])),
  ].join('\n');
  return { result: { species: details, warm_up_ms: warmUp }, markdown, targets };
}
