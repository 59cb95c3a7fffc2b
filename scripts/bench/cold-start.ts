/**
 * Section 2, cold start in workerd: what the first request for a species costs in a fresh
 * isolate — R2 get, sha256 verify, unxz (WASM), JSON parse, index build, first answer.
 *
 * workerd's clocks stand still while code runs, so time is taken from outside: each
 * measurement starts a fresh Miniflare (a fresh isolate) on the bundle `wrangler deploy
 * --dry-run` produces, R2 persisted and seeded once. In that isolate:
 *   1. GET /health: builds the app and reads pointer + manifest (not timed here);
 *   2. GET /autocomplete for the species: the cold request, timed;
 *   3. five more /autocomplete requests with other prefixes: the warm time (median);
 *   cold start = (2) - (3); /health then reports xz_memory_bytes.
 * A second fresh isolate per repetition times the very first request with nothing before it
 * (app build + pointer + manifest + species load), reported as "first request".
 * A Node run of the same steps gives a per-step breakdown.
 */
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { assertShard, type Shard } from '../../snapshot/format.ts';
import { nodeXzDecoder } from '../../snapshot/refresh/xz-node.ts';
import { PrefixIndex } from '../../functions/prefix-index/prefix-index.ts';
import { atMost, benchData, fmt, fmtBytes, HUMAN, median, readShard, round, table, type BenchContext, type SnapshotFiles, type Target } from './lib.ts';
import { buildProductBundle, seedR2, startWorker, type Bundle } from './workerd.ts';

export interface ColdStartSpecies {
  species: string;
  labels: number;
  shard_bytes: number;
  json_bytes: number;
  /** Median cold request minus median warm request, fresh isolate after /health. */
  cold_ms: number;
  cold_request_ms: number;
  warm_request_ms: number;
  /** Median first request of a fresh isolate with nothing before it. */
  first_request_ms: number;
  /** xz decoder WASM memory after loading this species (from /health). */
  xz_memory_bytes: number;
  node_breakdown_ms: Record<string, number>;
  node_xz_memory_bytes: number;
}

export type ColdStartResult = Record<string, number | ColdStartSpecies[]> & { details: ColdStartSpecies[] };

const QUERIES = ['BRC', 'a', 'tp5', 'Z', 'mt-', 'ENS'];

async function measureIsolate(bundle: Bundle, persist: string, prefix: string, species: string, healthFirst: boolean) {
  const { mf } = await startWorker({ bundle, persist, bindings: { SNAPSHOT_PREFIX: prefix } });
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
    const cold = await get(`/autocomplete?species=${species}&q=${QUERIES[0]}`);
    const warm: number[] = [];
    for (const q of QUERIES.slice(1)) warm.push((await get(`/autocomplete?species=${species}&q=${encodeURIComponent(q)}`)).ms);
    const health = JSON.parse((await get('/health')).body) as { xz_memory_bytes: number };
    return { cold: cold.ms, warm: median(warm), xzMemory: health.xz_memory_bytes };
  } finally {
    await mf.dispose();
  }
}

/** The same steps in Node, timed one by one (medians over repetitions; JIT warms up). */
async function nodeBreakdown(snap: SnapshotFiles, species: string, reps: number): Promise<{ steps: Record<string, number>; xzMemory: number }> {
  const { xz } = await readShard(snap, species);
  const bytes = new Uint8Array(xz);
  const steps: Record<string, number[]> = { sha256: [], unxz: [], utf8_decode: [], json_parse: [], validate: [], index_build: [], first_search: [] };
  let xzMemory = 0;
  for (let r = 0; r < reps; r++) {
    const decoder = nodeXzDecoder();
    let t = performance.now();
    const lap = (name: string) => {
      const now = performance.now();
      steps[name]!.push(now - t);
      t = now;
    };
    await crypto.subtle.digest('SHA-256', bytes);
    lap('sha256');
    const json = decoder.decode(bytes);
    lap('unxz');
    const text = new TextDecoder().decode(json);
    lap('utf8_decode');
    const shard: unknown = JSON.parse(text);
    lap('json_parse');
    assertShard(shard, species);
    lap('validate');
    const index = new PrefixIndex((shard as Shard).labels);
    lap('index_build');
    index.search('BRC', 10);
    lap('first_search');
    xzMemory = decoder.memoryBytes;
  }
  return { steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, round(median(v), 2)])), xzMemory };
}

export async function benchColdStart(ctx: BenchContext): Promise<{ result: ColdStartResult; markdown: string; targets: Target[] }> {
  const data = await benchData(ctx);
  const bundle = await buildProductBundle(ctx);
  const persist = join(ctx.dataDir, 'r2-cold-start');
  await rm(persist, { recursive: true, force: true });
  await seedR2(bundle, persist, data.publicSnap.dir, 'public/');
  await seedR2(bundle, persist, data.synthSnap.dir, 'synth/');

  const cases = [
    { species: HUMAN, prefix: 'public/', snap: data.publicSnap },
    { species: data.largest, prefix: 'synth/', snap: data.synthSnap },
  ];
  const reps = ctx.quick ? 1 : 5;
  const samples = new Map(cases.map((c) => [c.species, { cold: [] as number[], warm: [] as number[], coldReq: [] as number[], first: [] as number[], xz: 0 }]));
  for (let r = 0; r < reps; r++) {
    // Alternate the species and the two kinds of measurement.
    for (const c of r % 2 ? [...cases].reverse() : cases) {
      const s = samples.get(c.species)!;
      const m = await measureIsolate(bundle, persist, c.prefix, c.species, true);
      s.cold.push(m.cold - m.warm);
      s.coldReq.push(m.cold);
      s.warm.push(m.warm);
      s.xz = Math.max(s.xz, m.xzMemory);
      const f = await measureIsolate(bundle, persist, c.prefix, c.species, false);
      s.first.push(f.cold - f.warm);
    }
  }

  const details: ColdStartSpecies[] = [];
  for (const c of cases) {
    const s = samples.get(c.species)!;
    const entry = c.snap.manifest.species[c.species]!;
    const node = await nodeBreakdown(c.snap, c.species, ctx.quick ? 3 : 7);
    details.push({
      species: c.species,
      labels: entry.labels,
      shard_bytes: entry.bytes,
      json_bytes: entry.json_bytes,
      cold_ms: round(median(s.cold), 1),
      cold_request_ms: round(median(s.coldReq), 1),
      warm_request_ms: round(median(s.warm), 2),
      first_request_ms: round(median(s.first), 1),
      xz_memory_bytes: s.xz,
      node_breakdown_ms: node.steps,
      node_xz_memory_bytes: node.xzMemory,
    });
  }
  const result = { details } as ColdStartResult;
  for (const d of details) result[d.species] = d.cold_ms;

  const targets = [atMost(`cold start in workerd, ${HUMAN}`, details[0]!.cold_ms, 30, 'ms')];
  const stepNames = Object.keys(details[0]!.node_breakdown_ms);
  const markdown = [
    '### 2. Cold start in workerd',
    '',
    `Fresh isolate per measurement (Miniflare on the dry-run bundle, R2 seeded), ${reps} repetition(s), medians. "species load" = first /autocomplete for the species after /health, minus a warm request; "first request" = the same with nothing before it (adds app build, pointer and manifest reads).`,
    '',
    table(
      ['species', 'labels', 'shard xz', 'JSON', 'species load ms', 'first request ms', 'warm request ms', 'xz WASM memory'],
      details.map((d) => [d.species, fmt(d.labels), fmtBytes(d.shard_bytes), fmtBytes(d.json_bytes), String(d.cold_ms), String(d.first_request_ms), String(d.warm_request_ms), fmtBytes(d.xz_memory_bytes)]),
    ),
    '',
    'Node breakdown of the same steps (ms, medians, warm JIT; workerd runs them cold):',
    '',
    table(['species', ...stepNames, 'xz memory (Node)'], details.map((d) => [d.species, ...stepNames.map((k) => String(d.node_breakdown_ms[k])), fmtBytes(d.node_xz_memory_bytes)])),
  ].join('\n');
  return { result, markdown, targets };
}
