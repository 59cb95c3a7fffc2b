/**
 * Section 1, the index in process: ranked queries/s of PrefixIndex on the seeded typing
 * workload against, alternating in short rounds in the same process,
 * - a plain lexicographic binary search over the same folded labels (the ceiling: no ranking,
 *   no total, just the first `limit` keys from the lower bound),
 * - a linear prefix scan in ranking order (ranked and exact, like ours),
 * - MariaDB `SELECT DISTINCT display_label ... LIKE CONCAT(?, '%') ORDER BY display_label
 *   LIMIT ?` through mysql2 (one connection, prepared statement; skipped without MySQL).
 * Also per-query latency (p50/p99, each query timed alone) and heap bytes per species.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Connection } from 'mysql2/promise';
import { PrefixIndex } from '../../functions/prefix-index/prefix-index.ts';
import { readTsv } from '../../snapshot/refresh/rows.ts';
import { fold } from '../../snapshot/fold.ts';
import { connectRoot, createGeneDatabase, insertRows, publicTuples, type RowTuple } from '../../test/support/mysql.ts';
import { atLeast, benchData, fmt, fmtBytes, HUMAN, median, quantile, readShard, ROOT, round, run, table, typingWorkload, type BenchContext, type Target } from './lib.ts';

const LIMIT = 10;

export interface IndexSpeciesResult {
  species: string;
  labels: number;
  queries: number;
  rounds: number;
  /** Median queries/s over the rounds. */
  qps: { index: number; bsearch: number; linear: number; mysql: number | null };
  /** Medians of the per-round ratios (each round measures both side by side). */
  ratio_vs_bsearch: number;
  ratio_vs_linear: number;
  ratio_vs_mysql: number | null;
  /** Per query, each timed alone (timer overhead included, ~0.03 µs). */
  latency_us: Record<'index' | 'bsearch' | 'mysql', { p50: number; p99: number } | null>;
  heap_bytes: number;
  /** What SpeciesData.bytes estimates for the LRU budget. */
  estimated_bytes: number;
  json_bytes: number;
  /** Queries where the index and the linear scan disagree (must be 0). */
  mismatches: number;
  mysql_errors: number;
}

export interface IndexResult {
  ratio_vs_bsearch: number;
  ratio_vs_mysql: number | null;
  qps: number;
  p99_us: number;
  mysql_note: string | null;
  species: IndexSpeciesResult[];
}

type Impl = { name: 'index' | 'bsearch' | 'linear'; query(q: string): number };

function implementations(labels: readonly string[]): { impls: Impl[]; index: PrefixIndex; scan: (q: string) => { total: number; positions: number[] } } {
  const index = new PrefixIndex(labels);
  const ranked = labels.map(fold);
  const sorted = [...ranked].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
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
  const scan = (q: string) => {
    const p = fold(q.trim());
    const positions: number[] = [];
    let total = 0;
    if (!p) return { total, positions };
    for (let i = 0; i < ranked.length; i++) {
      if (ranked[i]!.startsWith(p)) {
        if (total < LIMIT) positions.push(i);
        total++;
      }
    }
    return { total, positions };
  };
  return {
    index,
    scan,
    impls: [
      { name: 'index', query: (q) => index.search(q, LIMIT).total },
      { name: 'bsearch', query: bsearch },
      { name: 'linear', query: (q) => scan(q).total },
    ],
  };
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
    const conn = await Promise.race([
      connectRoot(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('connect timeout')), 3000)),
    ]);
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

async function heapOf(ctx: BenchContext, species: string, json: Uint8Array): Promise<{ heap_bytes: number; estimate_bytes: number }> {
  const path = join(ctx.dataDir, `heap-${species}.json`);
  await writeFile(path, json);
  const probe = await run(process.execPath, ['--expose-gc', join(ROOT, 'scripts/bench/heap-probe.ts'), path, species]);
  return JSON.parse(probe.stdout);
}

async function benchSpecies(ctx: BenchContext, species: string, labels: string[], json: Uint8Array, mysql: Mysql | null): Promise<IndexSpeciesResult> {
  const { impls, index, scan } = implementations(labels);
  const workload = typingWorkload(labels, ctx.quick ? 20_000 : 50_000, (q) => index.search(q, 1).total > 0);

  // The index must give exactly the linear scan's ranked answer.
  let mismatches = 0;
  for (const q of workload) {
    const a = index.search(q, LIMIT);
    const b = scan(q);
    if (a.total !== b.total || a.positions.join() !== b.positions.join()) mismatches++;
  }

  // Warm up (JIT) and size the batches.
  for (const impl of impls) for (let i = 0; i < Math.min(workload.length, impl.name === 'linear' ? 500 : workload.length); i++) impl.query(workload[i]!);
  const batchMs = ctx.quick ? 2 : 4;
  const batch = new Map(impls.map((impl) => [impl.name, calibrate(impl, workload, batchMs)]));

  const stmt = `SELECT DISTINCT display_label FROM gene_autocomplete WHERE species = ? AND display_label LIKE CONCAT(?, '%') ORDER BY display_label LIMIT ?`;
  let mysqlErrors = 0;
  const mysqlQuery = async (q: string): Promise<void> => {
    try {
      await mysql!.conn.execute(stmt, [species, q, String(LIMIT)]);
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
  const qps: Record<string, number[]> = { index: [], bsearch: [], linear: [], mysql: [] };
  const ratios: Record<string, number[]> = { bsearch: [], linear: [], mysql: [] };
  const latency: Record<string, number[]> = { index: [], bsearch: [], mysql: [] };
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
    // Latency: each query timed alone, index and binary search interleaved.
    for (let i = 0; i < 200; i++) {
      const q = next('latency');
      for (const impl of i % 2 ? [impls[0]!, impls[1]!] : [impls[1]!, impls[0]!]) {
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
    ratios.bsearch!.push(roundQps.index! / roundQps.bsearch!);
    ratios.linear!.push(roundQps.index! / roundQps.linear!);
    if (mysql) ratios.mysql!.push(roundQps.index! / roundQps.mysql!);
  }
  if (sink === -1) console.log(sink);

  const heap = await heapOf(ctx, species, json);
  const lat = (name: string) => (latency[name]!.length ? { p50: round(quantile(latency[name]!, 0.5), 3), p99: round(quantile(latency[name]!, 0.99), 3) } : null);
  return {
    species,
    labels: labels.length,
    queries: workload.length,
    rounds,
    qps: {
      index: Math.round(median(qps.index!)),
      bsearch: Math.round(median(qps.bsearch!)),
      linear: Math.round(median(qps.linear!)),
      mysql: mysql ? Math.round(median(qps.mysql!)) : null,
    },
    ratio_vs_bsearch: round(median(ratios.bsearch!), 3),
    ratio_vs_linear: round(median(ratios.linear!), 1),
    ratio_vs_mysql: mysql ? round(median(ratios.mysql!), 1) : null,
    latency_us: { index: lat('index'), bsearch: lat('bsearch'), mysql: lat('mysql') },
    heap_bytes: heap.heap_bytes,
    estimated_bytes: heap.estimate_bytes,
    json_bytes: json.byteLength,
    mismatches,
    mysql_errors: mysqlErrors,
  };
}

export async function benchIndex(ctx: BenchContext): Promise<{ result: IndexResult; markdown: string; targets: Target[] }> {
  const data = await benchData(ctx);
  const opened = await openMysql(ctx);
  const mysql = typeof opened === 'string' ? null : opened;
  const note = typeof opened === 'string' ? opened : null;
  if (note) ctx.log(`  ${note}`);
  const results: IndexSpeciesResult[] = [];
  try {
    for (const [snap, species, tsv] of [
      [data.publicSnap, HUMAN, null],
      [data.synthSnap, data.largest, data.synthTsv],
    ] as const) {
      const { json, shard } = await readShard(snap, species);
      if (mysql) await loadSpeciesRows(mysql, species, tsv);
      ctx.log(`  index: ${species} (${fmt(shard.labels.length)} labels)`);
      results.push(await benchSpecies(ctx, species, shard.labels, json, mysql));
    }
  } finally {
    if (mysql) {
      await mysql.conn.query(`DROP DATABASE IF EXISTS \`${mysql.database}\``);
      await mysql.conn.end();
    }
  }
  const human = results[0]!;
  const result: IndexResult = {
    ratio_vs_bsearch: human.ratio_vs_bsearch,
    ratio_vs_mysql: human.ratio_vs_mysql,
    qps: human.qps.index,
    p99_us: human.latency_us.index!.p99,
    mysql_note: note,
    species: results,
  };
  const targets: Target[] = [];
  for (const r of results) {
    targets.push(atLeast(`index vs binary search, ${r.species}`, r.ratio_vs_bsearch, 0.5));
    targets.push(atLeast(`index vs MariaDB, ${r.species}`, r.ratio_vs_mysql, 500));
  }
  const rows = results.flatMap((r) => [
    [`${r.species} (${fmt(r.labels)} labels)`, 'PrefixIndex', fmt(r.qps.index), '1', `${r.latency_us.index!.p50} / ${r.latency_us.index!.p99}`],
    ['', 'binary search (ceiling)', fmt(r.qps.bsearch), `${r.ratio_vs_bsearch}x`, `${r.latency_us.bsearch!.p50} / ${r.latency_us.bsearch!.p99}`],
    ['', 'linear prefix scan', fmt(r.qps.linear), `${r.ratio_vs_linear}x`, ''],
    ['', 'MariaDB LIKE (mysql2)', r.qps.mysql === null ? 'skipped' : fmt(r.qps.mysql), r.ratio_vs_mysql === null ? 'n/a' : `${r.ratio_vs_mysql}x`, r.latency_us.mysql ? `${r.latency_us.mysql.p50} / ${r.latency_us.mysql.p99}` : ''],
  ]);
  const heapRows = results.map((r) => [r.species, fmt(r.labels), fmtBytes(r.json_bytes), fmtBytes(r.heap_bytes), fmt(r.heap_bytes / r.labels), fmtBytes(r.estimated_bytes), String(r.mismatches)]);
  const markdown = [
    '### 1. Index (in process)',
    '',
    `Typing workload: ${fmt(human.queries)} seeded queries per species (prefixes 1-6 of random labels, half lower-cased, 5 % no match), limit ${LIMIT}; ${human.rounds} alternating rounds, medians. "index ÷ other" is the median of per-round ratios.`,
    '',
    table(['species', 'implementation', 'queries/s', 'index ÷ other', 'p50 / p99 µs'], rows, ['l', 'l', 'r', 'r', 'r']),
    '',
    table(['species', 'labels', 'shard JSON', 'heap after load', 'heap B/label', 'LRU estimate', 'index≠scan'], heapRows),
    ...(note ? ['', `Note: ${note}.`] : []),
  ].join('\n');
  return { result, markdown, targets };
}
