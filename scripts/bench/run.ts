#!/usr/bin/env node
/**
 * `npm run bench`: what users pay for, measured side by side in one run and reported as
 * ratios (docs/benchmarks.md). Benchmarks report; they never fail on a missed target.
 *
 *   npm run bench                      full run (minutes)
 *   npm run bench -- --quick           every section reduced, under a minute
 *   npm run bench -- --json out.json   also write the results as JSON
 *   npm run bench -- --only index,sizes
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, release, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { fmt, table, type BenchContext, type Target } from './lib.ts';

const SECTIONS = ['index', 'cold-start', 'http', 'snapshot', 'sizes'] as const;
type Section = (typeof SECTIONS)[number];

function count(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

const program = new Command()
  .name('bench')
  .description('Benchmarks: the product against its ceilings and against what a user would use instead.')
  .option('--quick', 'reduced version of every section (smoke run, under a minute)')
  .option('--json <file>', 'write the results as JSON to this file')
  .option('--only <sections>', `comma-separated subset of: ${SECTIONS.join(', ')}`)
  .option('--synthetic-rows <n>', 'rows of the synthetic table whose largest species is benchmarked (0: full scale, ~7.2 M; quick: 100,000)', count)
  .option('--snapshot-rows <n>', 'synthetic rows loaded into MariaDB for the snapshot section (0: full scale, ~7.2 M, the default; quick: 50,000)', count)
  .option('--data-dir <dir>', 'cache for generated data, snapshots and bundles', join(tmpdir(), 'ea-bench'))
  .parse();

const o = program.opts<{ quick?: boolean; json?: string; only?: string; syntheticRows?: number; snapshotRows?: number; dataDir: string }>();
const only = o.only ? o.only.split(',').map((s) => s.trim()) : [...SECTIONS];
for (const s of only) if (!SECTIONS.includes(s as Section)) program.error(`--only: unknown section '${s}' (known: ${SECTIONS.join(', ')})`);

const quick = Boolean(o.quick);
const ctx: BenchContext = {
  quick,
  dataDir: resolve(o.dataDir),
  synthRows: o.syntheticRows ?? (quick ? 100_000 : 0),
  snapshotRows: o.snapshotRows ?? (quick ? 50_000 : 0),
  log: (line) => process.stderr.write(`${line}\n`),
};
await mkdir(ctx.dataDir, { recursive: true });

function tryRun(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memory_gb: Math.round(totalmem() / 1024 ** 3),
  kernel: release(),
  node: process.version,
  workerd: tryRun(join(import.meta.dirname, '../../node_modules/.bin/workerd'), ['--version']),
  mariadb: tryRun('mariadb', ['--version']),
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  synthetic_rows: ctx.synthRows || 'full scale',
  snapshot_rows: ctx.snapshotRows || 'full scale',
};

const json: Record<string, unknown> = { machine, index: null, cold_start_ms: null, http: null, snapshot: null, sizes: null, targets: [] };
const markdown: string[] = [];
const targets: Target[] = [];
const started = performance.now();

async function section<R>(name: Section, key: string, load: () => Promise<(ctx: BenchContext) => Promise<{ result: R; markdown: string; targets: Target[] }>>) {
  if (!only.includes(name)) return;
  const t0 = performance.now();
  ctx.log(`[bench] ${name} ...`);
  try {
    const fn = await load();
    const out = await fn(ctx);
    json[key] = out.result;
    markdown.push(out.markdown, '');
    targets.push(...out.targets);
  } catch (error) {
    ctx.log(`[bench] ${name} failed: ${(error as Error).stack ?? error}`);
    markdown.push(`### ${name}`, '', `FAILED: ${(error as Error).message}`, '');
    json[key] = { error: (error as Error).message };
  }
  ctx.log(`[bench] ${name} done in ${fmt((performance.now() - t0) / 1000, 1)} s`);
}

await section('index', 'index', async () => (await import('./index.ts')).benchIndex);
await section('cold-start', 'cold_start_ms', async () => (await import('./cold-start.ts')).benchColdStart);
await section('http', 'http', async () => (await import('./http.ts')).benchHttp);
await section('snapshot', 'snapshot', async () => (await import('./snapshot.ts')).benchSnapshot);
await section('sizes', 'sizes', async () => (await import('./sizes.ts')).benchSizes);

json.targets = targets;
const seconds = (performance.now() - started) / 1000;
const header = [
  `## Benchmark results (${machine.mode} run, ${fmt(seconds, 0)} s)`,
  '',
  `${machine.cpu}, ${machine.cores} cores, ${machine.memory_gb} GB; Node ${machine.node}; workerd ${machine.workerd ?? '?'}; ${machine.mariadb ?? 'no MariaDB client'}; ${machine.date}`,
  '',
];
const targetTable = table(
  ['target', 'value', 'bound', 'status'],
  targets.map((t) => [t.name, t.value === null ? 'n/a' : String(t.value), t.target, t.met === null ? 'not measured' : t.met ? 'met' : 'MISSED']),
  ['l', 'r', 'l', 'l'],
);
process.stdout.write([...header, ...markdown, '### Targets', '', targetTable, ''].join('\n'));
if (o.json) {
  await writeFile(o.json, `${JSON.stringify(json, null, 2)}\n`);
  ctx.log(`[bench] wrote ${o.json}`);
}
// Miniflare / mysql2 handles must not keep a finished run alive.
setTimeout(() => process.exit(0), 1000).unref();
