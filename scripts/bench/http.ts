/**
 * Section 3, HTTP: autocannon (50 connections, 10 s; quick: 1 s) with rotating /autocomplete
 * URLs from the typing workload (human), in each runtime, one round per server, each round
 * in an order rotated by one, so that every server runs once in every position of a round
 * (a section's load drifts: its first and last rounds came out faster and slower than the rest):
 * - the product, answer caching on (the default);
 * - the product with answer caching off (ANSWER_CACHE_MB=0): the index path alone;
 * - the fair ceiling: a Hono handler returning the product's own answer bytes and headers
 *   from a precomputed table (table-app.ts);
 * - an empty Hono handler answering `[]`.
 * Runtimes: workerd run directly by Miniflare on the `wrangler deploy --dry-run` bundle (no
 * `wrangler dev` proxy), R2 seeded with the public snapshot; and the Node adapter
 * (scripts/serve-node.ts on @hono/node-server, SNAPSHOT_DIR), all as child processes. The
 * load generator runs in this process. Where taskset is available, the servers run on CPU 0
 * and the load generator on the others (pin.ts); otherwise they share the CPUs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { atLeast, atMost, benchData, fmt, freePort, HUMAN, loadSpecies, ROOT, round, sleep, table, typingWorkload, type BenchContext, type Target } from './lib.ts';
import { cpuPinning } from './pin.ts';
import type { AnswerTable } from './table-app.ts';
import { buildEmptyBundle, buildProductBundle, buildTableBundle, seedR2, startWorker } from './workerd.ts';

export interface HttpRound {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  non2xx: number;
  errors: number;
  requests: number;
}

const SERVERS = ['product', 'uncached', 'table', 'empty'] as const;
type Server = (typeof SERVERS)[number];

export interface HttpRuntime {
  runtime: string;
  rounds: Record<Server, HttpRound[]>;
  /** Mean req/s and p99 (ms) per server. */
  rps: Record<Server, number>;
  p99_ms: Record<Server, number>;
  /** The product (cached) against the table, the uncached product against the table, the product against `[]`. */
  ratio_vs_table: number;
  p99_ratio_vs_table: number;
  uncached_ratio_vs_table: number;
  uncached_p99_ratio_vs_table: number;
  ratio_vs_empty: number;
  p99_ratio_vs_empty: number;
  /** non-2xx + errors of the product, cached and not. */
  errors: number;
}

export interface HttpResult {
  connections: number;
  duration_s: number;
  /** The CPUs (taskset lists) of the servers and of the load generator; null when they shared them. */
  pinning: { server: string; client: string } | null;
  runtimes: HttpRuntime[];
}

const CONNECTIONS = 50;

interface Target_ {
  url: string;
  stop(): Promise<void>;
}

async function load(url: string, paths: string[], duration: number): Promise<HttpRound> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration, requests: paths.map((path) => ({ method: 'GET', path })) });
  return {
    rps: Math.round(r.requests.total / r.duration),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    requests: r.requests.total,
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** The mean of the rounds but the highest and the lowest: those of a section's first and last rounds stray most. */
const trimmedMean = (xs: number[]) => mean([...xs].sort((a, b) => a - b).slice(1, -1));

async function compare(ctx: BenchContext, runtime: string, servers: Record<Server, Target_>, paths: string[]): Promise<HttpRuntime> {
  const duration = ctx.quick ? 1 : 10;
  // Warm each: every path once, one at a time (loads what it needs; no thundering herd of
  // first loads, which are not shared), then a short load lets the JIT see the code.
  for (const name of SERVERS) {
    const t = servers[name];
    for (const path of ctx.quick ? paths.slice(0, 300) : paths) {
      const response = await fetch(t.url + path);
      await response.arrayBuffer();
      if (name !== 'empty' && !response.ok) throw new Error(`${name} ${t.url}${path}: HTTP ${response.status}`);
    }
    if (!ctx.quick) await load(t.url, paths, 2);
  }
  const rounds = Object.fromEntries(SERVERS.map((name) => [name, [] as HttpRound[]])) as Record<Server, HttpRound[]>;
  for (let r = 0; r < SERVERS.length; r++) {
    for (let k = 0; k < SERVERS.length; k++) {
      const name = SERVERS[(r + k) % SERVERS.length]!;
      const result = await load(servers[name].url, paths, duration);
      ctx.log(`  ${runtime} ${name}: ${fmt(result.rps)} req/s, p99 ${result.p99_ms} ms, non-2xx ${result.non2xx}, errors ${result.errors}`);
      rounds[name].push(result);
    }
  }
  const rps = Object.fromEntries(SERVERS.map((n) => [n, Math.round(trimmedMean(rounds[n].map((x) => x.rps)))])) as Record<Server, number>;
  const p99 = Object.fromEntries(SERVERS.map((n) => [n, round(trimmedMean(rounds[n].map((x) => x.p99_ms)), 2)])) as Record<Server, number>;
  return {
    runtime,
    rounds,
    rps,
    p99_ms: p99,
    ratio_vs_table: round(rps.product / rps.table, 3),
    p99_ratio_vs_table: round(p99.product / p99.table, 3),
    uncached_ratio_vs_table: round(rps.uncached / rps.table, 3),
    uncached_p99_ratio_vs_table: round(p99.uncached / p99.table, 3),
    ratio_vs_empty: round(rps.product / rps.empty, 3),
    p99_ratio_vs_empty: round(p99.product / p99.empty, 3),
    errors: [...rounds.product, ...rounds.uncached].reduce((n, x) => n + x.non2xx + x.errors, 0),
  };
}

function child(script: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function waitFor(url: string, proc: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`${url}: server exited with ${proc.exitCode}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`${url}: server did not come up`);
}

async function nodeTarget(script: string, env: Record<string, string>, probe: string): Promise<Target_> {
  const port = await freePort();
  const proc = child(script, { ...env, PORT: String(port), HOST: '127.0.0.1' });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(url + probe, proc);
  return {
    url,
    stop: async () => {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
    },
  };
}

const SERVER_HEADERS = new Set(['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

/** The product's answers for the workload, as the table handlers serve them. */
async function answerTable(url: string, paths: string[], file: string): Promise<void> {
  const table: AnswerTable = {};
  for (const path of paths) {
    const response = await fetch(url + path);
    // Every header the product sets (CORS included); not those the HTTP server adds itself.
    const headers: Record<string, string> = {};
    for (const [name, value] of response.headers) if (!SERVER_HEADERS.has(name)) headers[name] = value;
    table[path] = { body: await response.text(), headers };
  }
  await writeFile(file, JSON.stringify(table));
}

export async function benchHttp(ctx: BenchContext): Promise<{ result: HttpResult; markdown: string; targets: Target[] }> {
  const data = await benchData(ctx);
  const human = await loadSpecies(data.publicSnap, HUMAN);
  const paths = [...new Set(typingWorkload(human.labels, 2500, () => true))].slice(0, 2000).map((q) => `/autocomplete?species=${HUMAN}&q=${encodeURIComponent(q)}&limit=10`);
  const snapshot = { SNAPSHOT_DIR: data.publicSnap.dir };
  const serveNode = join(ROOT, 'scripts/serve-node.ts');

  // The answer table, from the Node product (both runtimes give the same bytes: test/parity.test.ts).
  const tableFile = join(ctx.dataDir, 'answer-table.json');
  const source = await nodeTarget(serveNode, snapshot, '/health');
  try {
    await answerTable(source.url, paths, tableFile);
  } finally {
    await source.stop();
  }

  const runtimes: HttpRuntime[] = [];
  const bundle = await buildProductBundle(ctx);
  const tableBundle = await buildTableBundle(ctx, tableFile);
  const emptyBundle = await buildEmptyBundle(ctx);
  const persist = join(ctx.dataDir, 'r2-http');
  await rm(persist, { recursive: true, force: true });
  await seedR2(bundle, persist, data.publicSnap.dir, '');
  // Servers are spawned while this process is on the server CPU, so they inherit it; then this
  // process, the load generator, moves to the client CPUs.
  const pinning = cpuPinning();
  try {
    pinning?.pinSelf(pinning.server);
    const workers = {
      product: await startWorker({ bundle, persist, port: await freePort() }),
      uncached: await startWorker({ bundle, persist, port: await freePort(), bindings: { ANSWER_CACHE_MB: '0' } }),
      table: await startWorker({ bundle: tableBundle, port: await freePort() }),
      empty: await startWorker({ bundle: emptyBundle, port: await freePort() }),
    };
    pinning?.pinSelf(pinning.client);
    try {
      const servers = Object.fromEntries(Object.entries(workers).map(([name, w]) => [name, { url: w.url.origin, stop: () => w.mf.dispose() }])) as Record<Server, Target_>;
      runtimes.push(await compare(ctx, 'workerd (Miniflare)', servers, paths));
    } finally {
      await Promise.all(Object.values(workers).map((w) => w.mf.dispose()));
    }

    pinning?.pinSelf(pinning.server);
    const nodes = {
      product: await nodeTarget(serveNode, snapshot, '/health'),
      uncached: await nodeTarget(serveNode, { ...snapshot, ANSWER_CACHE_MB: '0' }, '/health'),
      table: await nodeTarget(join(ROOT, 'scripts/bench/table-node.ts'), { TABLE: tableFile }, paths[0]!),
      empty: await nodeTarget(join(ROOT, 'scripts/bench/empty-node.ts'), {}, '/'),
    };
    pinning?.pinSelf(pinning.client);
    try {
      runtimes.push(await compare(ctx, 'Node (@hono/node-server)', nodes, paths));
    } finally {
      await Promise.all(Object.values(nodes).map((n) => n.stop()));
    }
  } finally {
    pinning?.release();
  }

  const where = pinning ? { server: pinning.server, client: pinning.client } : null;
  const result: HttpResult = { connections: CONNECTIONS, duration_s: ctx.quick ? 1 : 10, pinning: where, runtimes };
  const targets: Target[] = [];
  for (const r of runtimes) {
    targets.push(atLeast(`HTTP req/s vs the same bytes from a table, ${r.runtime}`, r.ratio_vs_table, 0.9));
    targets.push(atMost(`HTTP p99 vs the same bytes from a table, ${r.runtime}`, r.p99_ratio_vs_table, 1.5));
    targets.push(atMost(`HTTP errors + non-2xx, ${r.runtime}`, r.errors, 0, 'errors'));
  }
  const rows = runtimes.flatMap((r) =>
    SERVERS.map((name, i) => [i === 0 ? r.runtime : '', LABELS[name], fmt(r.rps[name]), String(r.p99_ms[name]), r.rounds[name].map((x) => fmt(x.rps)).join(' / ')]),
  );
  const markdown = [
    '### 3. HTTP',
    '',
    `autocannon, ${CONNECTIONS} connections, ${result.duration_s} s per round, ${fmt(paths.length)} rotating /autocomplete URLs (human typing workload, limit 10); four rounds per runtime, each running the four servers in an order rotated by one; per server, the mean of its rounds without the highest and the lowest. ${where ? `Servers on CPU ${where.server}, the load generator on CPU ${where.client} (taskset).` : 'Servers and the load generator share the CPUs (no taskset, or one CPU).'}`,
    '',
    table(['runtime', 'server', 'req/s', 'p99 ms', 'req/s per round'], rows, ['l', 'l', 'r', 'r', 'r']),
    '',
    table(
      ['runtime', 'product ÷ table (req/s, p99)', 'uncached ÷ table (req/s, p99)', 'product ÷ empty (req/s, p99)', 'errors'],
      runtimes.map((r) => [r.runtime, `${r.ratio_vs_table}x, ${r.p99_ratio_vs_table}x`, `${r.uncached_ratio_vs_table}x, ${r.uncached_p99_ratio_vs_table}x`, `${r.ratio_vs_empty}x, ${r.p99_ratio_vs_empty}x`, String(r.errors)]),
    ),
  ].join('\n');
  return { result, markdown, targets };
}

const LABELS: Record<Server, string> = {
  product: 'autocomplete (answer caching on)',
  uncached: 'autocomplete, ANSWER_CACHE_MB=0 (the index path)',
  table: 'same bytes from a table (ceiling)',
  empty: 'empty Hono, []',
};
