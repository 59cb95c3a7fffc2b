/**
 * Section 3, HTTP: autocannon (50 connections, 10 s; quick: 1 s) with rotating /autocomplete
 * URLs from the typing workload (human), against an empty Hono handler in the same runtime,
 * alternating product / empty, two rounds each:
 * - workerd run directly by Miniflare on the `wrangler deploy --dry-run` bundle (no
 *   `wrangler dev` proxy), R2 seeded with the public snapshot, vs. an empty Hono worker;
 * - the Node adapter (scripts/serve-node.ts on @hono/node-server, SNAPSHOT_DIR) vs. an empty
 *   Hono app on @hono/node-server, both as child processes.
 * The load generator runs in this process; on a 2-core machine it shares the CPU with the
 * server, which caps the Node figures (see docs/benchmarks.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { PrefixIndex } from '../../functions/prefix-index/prefix-index.ts';
import { atLeast, atMost, benchData, fmt, freePort, HUMAN, readShard, ROOT, round, sleep, table, typingWorkload, type BenchContext, type Target } from './lib.ts';
import { buildEmptyBundle, buildProductBundle, seedR2, startWorker } from './workerd.ts';

export interface HttpRound {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  non2xx: number;
  errors: number;
  requests: number;
}

export interface HttpRuntime {
  runtime: string;
  product: HttpRound[];
  empty: HttpRound[];
  ratio_vs_empty: number;
  p99_ratio_vs_empty: number;
  rps: number;
  p99_ms: number;
  errors: number;
}

export interface HttpResult {
  ratio_vs_empty: number;
  rps: number;
  p99_ms: number;
  errors: number;
  connections: number;
  duration_s: number;
  runtimes: HttpRuntime[];
  node_note: string | null;
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

async function compare(ctx: BenchContext, runtime: string, product: Target_, empty: Target_, paths: string[]): Promise<HttpRuntime> {
  const duration = ctx.quick ? 1 : 10;
  // Warm both: one request alone loads the species (50 concurrent first requests would each
  // load it: loads are not shared), then a short load lets the JIT see the code.
  for (const t of [product, empty]) {
    const response = await fetch(t.url + paths[0]);
    if (!response.ok) throw new Error(`${t.url}${paths[0]}: HTTP ${response.status}`);
    await response.arrayBuffer();
    if (ctx.quick) {
      for (const path of paths.slice(0, 300)) await (await fetch(t.url + path)).arrayBuffer();
    } else {
      await load(t.url, paths, 2);
    }
  }
  const rounds = { product: [] as HttpRound[], empty: [] as HttpRound[] };
  for (let r = 0; r < 2; r++) {
    for (const which of r % 2 ? (['empty', 'product'] as const) : (['product', 'empty'] as const)) {
      const round_ = await load(which === 'product' ? product.url : empty.url, paths, duration);
      ctx.log(`  ${runtime} ${which}: ${fmt(round_.rps)} req/s, p99 ${round_.p99_ms} ms, non-2xx ${round_.non2xx}, errors ${round_.errors}`);
      rounds[which].push(round_);
    }
  }
  const rps = mean(rounds.product.map((x) => x.rps));
  const p99 = mean(rounds.product.map((x) => x.p99_ms));
  return {
    runtime,
    product: rounds.product,
    empty: rounds.empty,
    ratio_vs_empty: round(rps / mean(rounds.empty.map((x) => x.rps)), 3),
    p99_ratio_vs_empty: round(p99 / mean(rounds.empty.map((x) => x.p99_ms)), 3),
    rps: Math.round(rps),
    p99_ms: round(p99, 1),
    errors: rounds.product.reduce((n, x) => n + x.non2xx + x.errors, 0),
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

export async function benchHttp(ctx: BenchContext): Promise<{ result: HttpResult; markdown: string; targets: Target[] }> {
  const data = await benchData(ctx);
  const { shard } = await readShard(data.publicSnap, HUMAN);
  const index = new PrefixIndex(shard.labels);
  const paths = typingWorkload(shard.labels, 2000, (q) => index.search(q, 1).total > 0).map(
    (q) => `/autocomplete?species=${HUMAN}&q=${encodeURIComponent(q)}&limit=10`,
  );

  const runtimes: HttpRuntime[] = [];
  // workerd via Miniflare.
  const bundle = await buildProductBundle(ctx);
  const empty = await buildEmptyBundle(ctx);
  const persist = join(ctx.dataDir, 'r2-http');
  await rm(persist, { recursive: true, force: true });
  await seedR2(bundle, persist, data.publicSnap.dir, '');
  const product = await startWorker({ bundle, persist, port: await freePort() });
  const baseline = await startWorker({ bundle: empty, port: await freePort() });
  try {
    runtimes.push(
      await compare(
        ctx,
        'workerd (Miniflare)',
        { url: product.url.origin, stop: () => product.mf.dispose() },
        { url: baseline.url.origin, stop: () => baseline.mf.dispose() },
        paths,
      ),
    );
  } finally {
    await product.mf.dispose();
    await baseline.mf.dispose();
  }

  // The Node adapter, when the project has one.
  const serveNode = join(ROOT, 'scripts/serve-node.ts');
  let nodeNote: string | null = null;
  if (existsSync(serveNode)) {
    const nodeProduct = await nodeTarget(serveNode, { SNAPSHOT_DIR: data.publicSnap.dir }, '/health');
    const nodeEmpty = await nodeTarget(join(ROOT, 'scripts/bench/empty-node.ts'), {}, '/');
    try {
      runtimes.push(await compare(ctx, 'Node (@hono/node-server)', nodeProduct, nodeEmpty, paths));
    } finally {
      await nodeProduct.stop();
      await nodeEmpty.stop();
    }
  } else {
    nodeNote = 'scripts/serve-node.ts does not exist: no Node adapter to measure';
  }

  const w = runtimes[0]!;
  const result: HttpResult = {
    ratio_vs_empty: w.ratio_vs_empty,
    rps: w.rps,
    p99_ms: w.p99_ms,
    errors: w.errors,
    connections: CONNECTIONS,
    duration_s: ctx.quick ? 1 : 10,
    runtimes,
    node_note: nodeNote,
  };
  const targets: Target[] = [];
  for (const r of runtimes) {
    targets.push(atLeast(`HTTP req/s vs empty handler, ${r.runtime}`, r.ratio_vs_empty, 0.9));
    targets.push(atMost(`HTTP p99 vs empty handler, ${r.runtime}`, r.p99_ratio_vs_empty, 1.5));
    targets.push(atMost(`HTTP errors + non-2xx, ${r.runtime}`, r.errors, 0, 'errors'));
  }
  const rows = runtimes.flatMap((r) =>
    (['product', 'empty'] as const).flatMap((which) =>
      r[which].map((x, i) => [i === 0 && which === 'product' ? r.runtime : '', `${which === 'product' ? 'autocomplete' : 'empty Hono'} #${i + 1}`, fmt(x.rps), String(x.p50_ms), String(x.p99_ms), String(x.non2xx), String(x.errors)]),
    ),
  );
  const markdown = [
    '### 3. HTTP',
    '',
    `autocannon, ${CONNECTIONS} connections, ${result.duration_s} s per round, ${fmt(paths.length)} rotating /autocomplete URLs (human typing workload); product and empty handler alternate, two rounds each.`,
    '',
    table(['runtime', 'server, round', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'], rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r']),
    '',
    table(
      ['runtime', 'req/s ÷ empty', 'p99 ÷ empty', 'errors'],
      runtimes.map((r) => [r.runtime, `${r.ratio_vs_empty}x`, `${r.p99_ratio_vs_empty}x`, String(r.errors)]),
    ),
    ...(nodeNote ? ['', `Note: ${nodeNote}.`] : []),
  ].join('\n');
  return { result, markdown, targets };
}
