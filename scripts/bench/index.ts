/**
 * Section 1, the index in process, everything loaded: ranked queries/s of the full search
 * (tiers 1-5: labels, synonyms, stable IDs; rankFirst / rankAcross over the covering chunks, the product's own
 * code) on the seeded typing workload against, alternating in short rounds in one process,
 * - a plain lexicographic binary search over the folded labels alone (the ceiling: no
 *   synonyms, no IDs, no ranking, no total, just the first `limit` keys from the lower bound),
 * - MariaDB `SELECT DISTINCT display_label ... LIKE CONCAT(?, '%') ORDER BY display_label
 *   LIMIT ?` through mysql2 (labels only; skipped without MySQL).
 * Then the typo fallback (TypoIndex.search) on seeded one-edit misspellings of labels, each
 * query timed alone; and the memory of each species fully loaded (JS heap plus array buffers) against the LRU's estimate.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Connection } from 'mysql2/promise';
import type { ChunkIndex, Ranked } from '../../functions/name-index/chunk-index.ts';
import type { Covering } from '../../functions/name-index/covering.ts';
import { parseQuery, rangePrefix, typoBudget, type ParsedQuery } from '../../functions/name-index/query.ts';
import { rankAcross, rankFirst } from '../../functions/name-index/search.ts';
import { refGrank } from '../../functions/name-index/typo-index.ts';
import { fold } from '../../snapshot/fold.ts';
import { readTsv } from '../../snapshot/refresh/rows.ts';
import { connectRoot, createGeneDatabase, insertRows, publicTuples, type RowTuple } from '../../test/support/mysql.ts';
import {
  atLeast,
  atMost,
  benchData,
  fmt,
  fmtBytes,
  HUMAN,
  loadSpecies,
  median,
  misspellings,
  quantile,
  ROOT,
  round,
  run,
  table,
  typingWorkload,
  type BenchContext,
  type LoadedSpecies,
  type Target,
} from './lib.ts';
import { compareCodeUnits } from '../../snapshot/natural.ts';

const LIMIT = 10;
/**
 * Human's labels alone in format 1, before synonyms. 5.2 MiB is the JS heap the issue cites
 * (heapUsed, first load); 6.83 MiB is heap plus array buffers, loaded warm, as heap-probe.ts
 * measures now (SpeciesData.fromJson at commit cb433eb, 4.39 MiB heap + 2.44 MiB buffers).
 */
const FORMAT1_HEAP_MIB = 5.2;
const FORMAT1_MEMORY_MIB = 6.83;

export interface IndexSpeciesResult {
  species: string;
  labels: number;
  keys: number;
  chunks: number;
  queries: number;
  rounds: number;
  /** Median queries/s over the rounds. */
  qps: { search: number; bsearch: number; mysql: number | null };
  /** Medians of the per-round ratios (each round measures both side by side). */
  ratio_vs_bsearch: number;
  ratio_vs_mysql: number | null;
  /** Per query, each timed alone (timer overhead included, ~0.03 µs). */
  latency_us: Record<'search' | 'bsearch' | 'mysql', { p50: number; p99: number } | null>;
  /** Memory of the species with every object loaded (root, chunks, answer objects, typo objects): JS heap plus array buffers. */
  memory_bytes: number;
  heap_bytes: number;
  array_buffer_bytes: number;
  /** What the catalog's LRU estimates for the same objects. */
  estimated_bytes: number;
  /** Estimate / measured, in all and per chunk (median). */
  estimate_ratio: number;
  chunk_estimate_ratio: number;
  json_bytes: number;
  xz_bytes: number;
  mysql_errors: number;
}

export interface TypoResult {
  species: string;
  queries: number;
  /** Queries/s of the fallback alone, and p50 / p99 of single queries (µs). */
  qps: number;
  p50_us: number;
  p99_us: number;
  /** Share of misspellings whose intended label the fallback puts among its first 5. */
  recall_at_5: number;
  one_edit: { queries: number; p50_us: number; p99_us: number };
  two_edits: { queries: number; p50_us: number; p99_us: number };
}

export interface IndexResult {
  ratio_vs_bsearch: number;
  ratio_vs_mysql: number | null;
  qps: number;
  p99_us: number;
  mysql_note: string | null;
  species: IndexSpeciesResult[];
  typos: TypoResult;
}

type Impl = { name: 'search' | 'bsearch'; query(q: string): number };

/** Tiers 1-5 as the search ranks them, all chunks loaded: the first covering chunk alone where it can, else every covering chunk. */
function ranked(covering: Covering, chunks: readonly ChunkIndex[], query: ParsedQuery, limit: number): Ranked {
  const [from, to] = covering.run(rangePrefix(query));
  return rankFirst(chunks[from]!, to - from === 1, query, limit) ?? rankAcross(chunks.slice(from, to), query, limit);
}

function implementations(loaded: LoadedSpecies): Impl[] {
  const sorted = loaded.labels.map(fold).sort(compareCodeUnits);
  const bsearch = (q: string): number => {
    const p = fold(q.trim());
    if (!p) return 0;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < p) lo = mid + 1;
      else hi = mid;
    }
    let n = 0;
    while (n < LIMIT && lo + n < sorted.length && sorted[lo + n]!.startsWith(p)) n++;
    return n;
  };
  const search = (q: string): number => {
    const query = parseQuery(q);
    return ranked(loaded.covering, loaded.chunks, query, LIMIT).total;
  };
  return [
    { name: 'search', query: search },
    { name: 'bsearch', query: bsearch },
  ];
}

/** Queries per batch so that one batch takes about `ms`. */
function calibrate(impl: Impl, workload: string[], ms: number): number {
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < 20) impl.query(workload[n++ % workload.length]!);
  const perQuery = (performance.now() - started) / n;
  return Math.max(20, Math.min(workload.length, Math.round(ms / perQuery)));
}

interface Mysql {
  conn: Connection;
  database: string;
}

async function openMysql(ctx: BenchContext): Promise<Mysql | string> {
  try {
    const conn = await Promise.race([connectRoot(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('connect timeout')), 3000))]);
    const database = `bench_index_${process.pid}`;
    await createGeneDatabase(conn, database);
    ctx.log(`  MariaDB: loading the benchmarked species into ${database}`);
    return { conn, database };
  } catch (error) {
    return `MySQL/MariaDB not reachable on 127.0.0.1:3306 (${(error as Error).message}); MariaDB comparison skipped`;
  }
}

async function loadSpeciesRows(mysql: Mysql, species: string, tsv: string | null): Promise<void> {
  let rows: RowTuple[];
  if (!tsv) rows = await publicTuples((s) => s === species);
  else {
    rows = [];
    for await (const r of readTsv(tsv)) if (r.species === species) rows.push([r.species, r.stableId, r.label, r.location]);
  }
  await mysql.conn.query(`ALTER TABLE \`${mysql.database}\`.gene_autocomplete DISABLE KEYS`);
  await insertRows(mysql.conn, mysql.database, rows);
  await mysql.conn.query(`ALTER TABLE \`${mysql.database}\`.gene_autocomplete ENABLE KEYS`);
}

/** Heap of the species' objects once loaded, measured in a child (`node --expose-gc`), against the estimate. */
async function heapOf(ctx: BenchContext, loaded: LoadedSpecies): Promise<{ heap_bytes: number; array_buffer_bytes: number; estimate_bytes: number; chunk_ratio: number }> {
  const dir = join(ctx.dataDir, `heap-${loaded.species}`);
  await run('mkdir', ['-p', dir]);
  const files: { kind: string; path: string; first?: string }[] = [];
  for (const [i, o] of loaded.objects.entries()) {
    const path = join(dir, `${i}.json`);
    await writeFile(path, o.json);
    const first = o.kind === 'typos' ? JSON.parse(new TextDecoder().decode(o.json)).first : undefined;
    files.push({ kind: o.kind, path, first });
  }
  const list = join(dir, 'objects.json');
  await writeFile(list, JSON.stringify(files));
  const probe = await run(process.execPath, ['--expose-gc', join(ROOT, 'scripts/bench/heap-probe.ts'), list, loaded.species]);
  return JSON.parse(probe.stdout);
}

async function benchSpecies(ctx: BenchContext, loaded: LoadedSpecies, mysql: Mysql | null): Promise<IndexSpeciesResult> {
  const impls = implementations(loaded);
  const search = impls[0]!;
  const workload = typingWorkload(loaded.labels, ctx.quick ? 20_000 : 50_000, (q) => search.query(q) > 0);
  for (const impl of impls) for (const q of workload) impl.query(q); // JIT warm-up
  const batchMs = ctx.quick ? 2 : 4;
  const batch = new Map(impls.map((impl) => [impl.name, calibrate(impl, workload, batchMs)]));

  const stmt = `SELECT DISTINCT display_label FROM gene_autocomplete WHERE species = ? AND display_label LIKE CONCAT(?, '%') ORDER BY display_label LIMIT ?`;
  let mysqlErrors = 0;
  const mysqlQuery = async (q: string): Promise<void> => {
    try {
      await mysql!.conn.execute(stmt, [loaded.species, q, String(LIMIT)]);
    } catch {
      mysqlErrors++;
    }
  };
  let mysqlBatch = 0;
  if (mysql) {
    await mysql.conn.query(`USE \`${mysql.database}\``);
    const started = performance.now();
    let n = 0;
    while (performance.now() - started < 200) await mysqlQuery(workload[n++ % workload.length]!);
    mysqlBatch = Math.max(5, Math.round((batchMs * 2 * n) / (performance.now() - started)));
  }

  const rounds = ctx.quick ? 30 : 150;
  const qps: Record<string, number[]> = { search: [], bsearch: [], mysql: [] };
  const ratios: Record<string, number[]> = { bsearch: [], mysql: [] };
  const latency: Record<string, number[]> = { search: [], bsearch: [], mysql: [] };
  const cursor = new Map<string, number>();
  const next = (name: string) => {
    const at = cursor.get(name) ?? 0;
    cursor.set(name, at + 1);
    return workload[at % workload.length]!;
  };
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const roundQps: Record<string, number> = {};
    for (let k = 0; k < impls.length; k++) {
      const impl = impls[(r + k) % impls.length]!; // rotate who goes first
      const n = batch.get(impl.name)!;
      const started = performance.now();
      for (let i = 0; i < n; i++) sink += impl.query(next(impl.name));
      roundQps[impl.name] = n / ((performance.now() - started) / 1000);
    }
    for (let i = 0; i < 200; i++) {
      const q = next('latency');
      for (const impl of i % 2 ? impls : [...impls].reverse()) {
        const t0 = performance.now();
        sink += impl.query(q);
        latency[impl.name]!.push((performance.now() - t0) * 1000);
      }
    }
    if (mysql) {
      const started = performance.now();
      for (let i = 0; i < mysqlBatch; i++) {
        const t0 = performance.now();
        await mysqlQuery(next('mysql'));
        latency.mysql!.push((performance.now() - t0) * 1000);
      }
      roundQps.mysql = mysqlBatch / ((performance.now() - started) / 1000);
    }
    for (const [name, value] of Object.entries(roundQps)) qps[name]!.push(value);
    ratios.bsearch!.push(roundQps.search! / roundQps.bsearch!);
    if (mysql) ratios.mysql!.push(roundQps.search! / roundQps.mysql!);
  }
  if (sink === -1) console.log(sink);

  const heap = await heapOf(ctx, loaded);
  const lat = (name: string) => (latency[name]!.length ? { p50: round(quantile(latency[name]!, 0.5), 3), p99: round(quantile(latency[name]!, 0.99), 3) } : null);
  return {
    species: loaded.species,
    labels: loaded.labels.length,
    keys: loaded.chunks.reduce((n, c) => n + c.size, 0),
    chunks: loaded.chunks.length,
    queries: workload.length,
    rounds,
    qps: { search: Math.round(median(qps.search!)), bsearch: Math.round(median(qps.bsearch!)), mysql: mysql ? Math.round(median(qps.mysql!)) : null },
    ratio_vs_bsearch: round(median(ratios.bsearch!), 3),
    ratio_vs_mysql: mysql ? round(median(ratios.mysql!), 1) : null,
    latency_us: { search: lat('search'), bsearch: lat('bsearch'), mysql: lat('mysql') },
    memory_bytes: heap.heap_bytes + heap.array_buffer_bytes,
    heap_bytes: heap.heap_bytes,
    array_buffer_bytes: heap.array_buffer_bytes,
    estimated_bytes: heap.estimate_bytes,
    estimate_ratio: round(heap.estimate_bytes / (heap.heap_bytes + heap.array_buffer_bytes), 2),
    chunk_estimate_ratio: heap.chunk_ratio,
    json_bytes: loaded.objects.reduce((n, o) => n + o.json.byteLength, 0),
    xz_bytes: loaded.objects.reduce((n, o) => n + o.xz.byteLength, 0),
    mysql_errors: mysqlErrors,
  };
}

/** The typo fallback alone, on one-edit misspellings of labels (what it is called for: no ranked match). */
function benchTypos(ctx: BenchContext, loaded: LoadedSpecies): TypoResult {
  const workload = misspellings(loaded.labels, ctx.quick ? 2000 : 5000).filter((m) => {
    const query = parseQuery(m.q);
    return typoBudget(query.fq) > 0 && ranked(loaded.covering, loaded.chunks, query, 1).total === 0;
  });
  const none = () => false;
  const run1 = (q: string) => loaded.typos.get(q[0]!)?.search(q, typoBudget(q), LIMIT, none) ?? [];
  const folded = workload.map((m) => ({ ...m, fq: fold(m.q) }));
  for (const m of folded) run1(m.fq); // JIT warm-up
  const started = performance.now();
  const reps = ctx.quick ? 1 : 3;
  for (let r = 0; r < reps; r++) for (const m of folded) run1(m.fq);
  const qps = (folded.length * reps) / ((performance.now() - started) / 1000);
  const times: number[] = [];
  const byBudget = new Map<number, number[]>([[1, []], [2, []]]);
  let found = 0;
  for (const m of folded) {
    const t0 = performance.now();
    const hits = run1(m.fq);
    const us = (performance.now() - t0) * 1000;
    times.push(us);
    byBudget.get(typoBudget(m.fq))!.push(us);
    // Labels are in rank order, and a hit names its label's rank.
    if (hits.slice(0, 5).some((h) => loaded.labels[refGrank(h.ref)] === m.intended)) found++;
  }
  const stats = (xs: number[]) => ({ queries: xs.length, p50_us: round(quantile(xs, 0.5), 1), p99_us: round(quantile(xs, 0.99), 1) });
  return {
    species: loaded.species,
    queries: folded.length,
    qps: Math.round(qps),
    p50_us: round(quantile(times, 0.5), 1),
    p99_us: round(quantile(times, 0.99), 1),
    recall_at_5: round(found / folded.length, 3),
    one_edit: stats(byBudget.get(1)!),
    two_edits: stats(byBudget.get(2)!),
  };
}

export async function benchIndex(ctx: BenchContext): Promise<{ result: IndexResult; markdown: string; targets: Target[] }> {
  const data = await benchData(ctx);
  const opened = await openMysql(ctx);
  const mysql = typeof opened === 'string' ? null : opened;
  const note = typeof opened === 'string' ? opened : null;
  if (note) ctx.log(`  ${note}`);
  const results: IndexSpeciesResult[] = [];
  let typos: TypoResult | null = null;
  try {
    for (const [snap, species, tsv] of [
      [data.publicSnap, HUMAN, null],
      [data.synthSnap, data.largest, data.synthTsv],
    ] as const) {
      const loaded = await loadSpecies(snap, species);
      if (mysql) await loadSpeciesRows(mysql, species, tsv);
      ctx.log(`  index: ${species} (${fmt(loaded.labels.length)} labels, ${loaded.chunks.length} chunks)`);
      results.push(await benchSpecies(ctx, loaded, mysql));
      if (species === HUMAN) typos = benchTypos(ctx, loaded);
    }
  } finally {
    if (mysql) {
      await mysql.conn.query(`DROP DATABASE IF EXISTS \`${mysql.database}\``);
      await mysql.conn.end();
    }
  }
  const human = results[0]!;
  const t = typos!;
  const result: IndexResult = {
    ratio_vs_bsearch: human.ratio_vs_bsearch,
    ratio_vs_mysql: human.ratio_vs_mysql,
    qps: human.qps.search,
    p99_us: human.latency_us.search!.p99,
    mysql_note: note,
    species: results,
    typos: t,
  };
  const targets: Target[] = [];
  for (const r of results) targets.push(atLeast(`full search (tiers 1-5) vs binary search over labels, ${r.species}`, r.ratio_vs_bsearch, 0.5));
  targets.push(atLeast(`typo fallback queries/s, ${HUMAN}`, t.qps, 100_000, 'q/s'));
  targets.push(atMost(`typo fallback p99, ${HUMAN}`, t.p99_us, 50, 'µs'));
  const mib = (bytes: number) => round(bytes / 1024 / 1024, 2);
  targets.push(atMost(`JS heap of ${HUMAN} fully loaded, synonyms in (2x format 1's ${FORMAT1_HEAP_MIB} MiB)`, mib(human.heap_bytes), 2 * FORMAT1_HEAP_MIB, 'MiB'));
  targets.push(atMost(`heap + array buffers of ${HUMAN} fully loaded (2x format 1's ${FORMAT1_MEMORY_MIB} MiB)`, mib(human.memory_bytes), 2 * FORMAT1_MEMORY_MIB, 'MiB'));
  for (const r of results) {
    targets.push(atMost(`LRU estimate vs measured memory (all objects), ${r.species}`, Math.max(r.estimate_ratio, 1 / r.estimate_ratio), 1.5));
    targets.push(atMost(`LRU estimate vs measured memory (per chunk, median), ${r.species}`, Math.max(r.chunk_estimate_ratio, 1 / r.chunk_estimate_ratio), 1.5));
  }
  const rows = results.flatMap((r) => [
    [`${r.species} (${fmt(r.labels)} labels, ${fmt(r.keys)} keys)`, 'full search, tiers 1-5', fmt(r.qps.search), '1', `${r.latency_us.search!.p50} / ${r.latency_us.search!.p99}`],
    ['', 'binary search, labels only (ceiling)', fmt(r.qps.bsearch), `${r.ratio_vs_bsearch}x`, `${r.latency_us.bsearch!.p50} / ${r.latency_us.bsearch!.p99}`],
    ['', 'MariaDB LIKE, labels only (mysql2)', r.qps.mysql === null ? 'skipped' : fmt(r.qps.mysql), r.ratio_vs_mysql === null ? 'n/a' : `${r.ratio_vs_mysql}x`, r.latency_us.mysql ? `${r.latency_us.mysql.p50} / ${r.latency_us.mysql.p99}` : ''],
  ]);
  const heapRows = results.map((r) => [r.species, fmt(r.labels), String(r.chunks), fmtBytes(r.json_bytes), fmtBytes(r.xz_bytes), `${fmtBytes(r.memory_bytes)} (${fmtBytes(r.heap_bytes)} + ${fmtBytes(r.array_buffer_bytes)})`, fmt(r.memory_bytes / r.labels), fmtBytes(r.estimated_bytes), `${r.estimate_ratio}x / ${r.chunk_estimate_ratio}x`]);
  const markdown = [
    '### 1. Index (in process)',
    '',
    `Typing workload: ${fmt(human.queries)} seeded queries per species (prefixes 1-6 of random labels, half lower-cased, 5 % no match), limit ${LIMIT}, everything loaded; ${human.rounds} alternating rounds, medians. "search ÷ other" is the median of per-round ratios.`,
    '',
    table(['species', 'implementation', 'queries/s', 'search ÷ other', 'p50 / p99 µs'], rows, ['l', 'l', 'r', 'r', 'r']),
    '',
    `Typo fallback (TypoIndex.search alone), ${fmt(t.queries)} seeded one-edit misspellings of ${HUMAN} labels that match nothing in tiers 1-5: ${fmt(t.qps)} queries/s; p50 ${t.p50_us} µs, p99 ${t.p99_us} µs (one edit allowed, 4-7 characters: ${fmt(t.one_edit.queries)} queries, p50 ${t.one_edit.p50_us} / p99 ${t.one_edit.p99_us} µs; two, 8+: ${fmt(t.two_edits.queries)} queries, p50 ${t.two_edits.p50_us} / p99 ${t.two_edits.p99_us} µs). The intended label is among the first 5 for ${fmt(t.recall_at_5 * 100, 1)} %.`,
    '',
    table(['species', 'labels', 'chunks', 'JSON', 'xz', 'memory, all loaded (heap + buffers)', 'B/label', 'LRU estimate', 'estimate ÷ memory (all / per chunk)'], heapRows),
    ...(note ? ['', `Note: ${note}.`] : []),
  ].join('\n');
  return { result, markdown, targets };
}
