/**
 * Shared pieces of the benchmark suite: seeded PRNG and typing workload, statistics, targets,
 * child processes, and the snapshot data every section reads (built with the project's own
 * refresh CLI into a cache directory, never into the repository).
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keys, rootRef, type Manifest, type Pointer, type SpeciesEntry } from '../../snapshot/format.ts';
import { readTsv } from '../../snapshot/refresh/rows.ts';
import { nodeXzDecoder } from '../../snapshot/refresh/xz-node.ts';
import type { XzDecoder } from '../../snapshot/unxz.ts';
import { readSpecies, type SpeciesContent } from '../../test/support/read-snapshot.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PUBLIC_TSV = resolve(ROOT, 'data/public.tsv.gz');
export const CORE_TSV = resolve(ROOT, 'data/core_genes.tsv.gz');
export const REFRESH_CLI = resolve(ROOT, 'scripts/snapshot-refresh.ts');
export const GENERATOR = resolve(ROOT, 'scripts/bench/gen_synthetic.py');
export const MYSQL_HOST = process.env.BENCH_MYSQL_HOST ?? '127.0.0.1';
export const MYSQL_PORT = Number(process.env.BENCH_MYSQL_PORT ?? 3306);
export const HUMAN = 'homo_sapiens';

/** What every section gets from the runner. */
export interface BenchContext {
  quick: boolean;
  /** Cache for generated data, bundles and snapshots (default under the OS temp dir). */
  dataDir: string;
  /** Synthetic rows for the largest-species shard (0: the generator's natural ~7.2 M). */
  synthRows: number;
  /** Synthetic rows loaded into MariaDB for the snapshot section. */
  snapshotRows: number;
  log(line: string): void;
}

// ---------------------------------------------------------------- PRNG and workload

/** mulberry32: small, fast, seeded; good enough to pick queries. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const WORKLOAD_SEED = 20261123;
const NO_MATCH_ALPHABET = 'qxzjkvw0123456789';

/**
 * The typing workload: prefixes of length 1-6 of random labels, half in original case and
 * half lower-cased, and 5 % prefixes that match nothing (checked with `matches`).
 */
export function typingWorkload(labels: readonly string[], count: number, matches: (q: string) => boolean, seed = WORKLOAD_SEED): string[] {
  const rand = prng(seed);
  const out: string[] = [];
  while (out.length < count) {
    if (rand() < 0.05) {
      let q = '';
      for (let attempt = 0; attempt < 100; attempt++) {
        const length = 3 + Math.floor(rand() * 4);
        q = 'z';
        for (let i = 1; i < length; i++) q += NO_MATCH_ALPHABET[Math.floor(rand() * NO_MATCH_ALPHABET.length)];
        if (!matches(q)) break;
      }
      out.push(q);
      continue;
    }
    const label = labels[Math.floor(rand() * labels.length)]!;
    const prefix = label.slice(0, 1 + Math.floor(rand() * 6)).trim();
    if (!prefix) continue;
    out.push(rand() < 0.5 ? prefix : prefix.toLowerCase());
  }
  return out;
}

/**
 * One-edit misspellings of random labels of 4+ characters, the first character kept: a
 * substitution, deletion, insertion or swap of neighbours, lower-cased or not.
 */
export function misspellings(labels: readonly string[], count: number, seed = WORKLOAD_SEED): { q: string; intended: string }[] {
  const rand = prng(seed);
  const pool = labels.filter((l) => l.length >= 5);
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const out: { q: string; intended: string }[] = [];
  while (out.length < count) {
    const label = pool[Math.floor(rand() * pool.length)]!;
    const at = 1 + Math.floor(rand() * (label.length - 1));
    const c = letters[Math.floor(rand() * letters.length)]!;
    const edit = Math.floor(rand() * 4);
    let q =
      edit === 0 ? label.slice(0, at) + c + label.slice(at + 1) : edit === 1 ? label.slice(0, at) + label.slice(at + 1) : edit === 2 ? label.slice(0, at) + c + label.slice(at) : label.slice(0, at - 1) + label[at] + label[at - 1] + label.slice(at + 1);
    if (rand() < 0.5) q = q.toLowerCase();
    if (q.toLowerCase() !== label.toLowerCase()) out.push({ q, intended: label });
  }
  return out;
}

// ---------------------------------------------------------------- statistics

export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[at]!;
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** 1234567 -> "1,234,567"; fractions keep `digits`. */
export function fmt(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${fmt(bytes / 1024 / 1024, 1)} MiB`;
  if (bytes >= 1024) return `${fmt(bytes / 1024, 1)} KiB`;
  return `${bytes} B`;
}

// ---------------------------------------------------------------- targets and tables

export interface Target {
  name: string;
  value: number | null;
  /** Human-readable bound, e.g. ">= 0.5x" or "<= 30 ms". */
  target: string;
  /** null when the figure could not be measured (e.g. no MySQL). */
  met: boolean | null;
}

export function atLeast(name: string, value: number | null, bound: number, unit = 'x'): Target {
  return { name, value: value === null ? null : round(value, 3), target: `>= ${bound}${unit === 'x' ? 'x' : ` ${unit}`}`, met: value === null ? null : value >= bound };
}

export function atMost(name: string, value: number | null, bound: number, unit = 'x'): Target {
  return { name, value: value === null ? null : round(value, 3), target: `<= ${bound}${unit === 'x' ? 'x' : ` ${unit}`}`, met: value === null ? null : value <= bound };
}

export function table(headers: string[], rows: (string | number)[][], align?: ('l' | 'r')[]): string {
  const a = align ?? headers.map((_, i) => (i === 0 ? 'l' : 'r'));
  const lines = [`| ${headers.join(' | ')} |`, `|${a.map((x) => (x === 'r' ? '---:' : '---')).join('|')}|`];
  for (const row of rows) lines.push(`| ${row.map(String).join(' | ')} |`);
  return lines.join('\n');
}

// ---------------------------------------------------------------- processes

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to completion; rejects on a non-zero exit unless `allowFail`. */
export function run(command: string, args: string[], options: SpawnOptions & { allowFail?: boolean; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: ROOT, ...options, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    if (options.input !== undefined) child.stdin!.end(options.input);
    child.on('close', (code) => {
      const result = { code: code ?? -1, stdout, stderr, ms: performance.now() - started };
      if (code !== 0 && !options.allowFail) reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
      else resolvePromise(result);
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePromise(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- data

/** Synthetic TSV (gzip unless `plain`), generated once per row count and cached. */
export async function syntheticTsv(ctx: BenchContext, rows: number, plain = false): Promise<string> {
  const name = `synth-${rows || 'natural'}.tsv${plain ? '' : '.gz'}`;
  const path = join(ctx.dataDir, name);
  if (existsSync(path)) return path;
  await mkdir(ctx.dataDir, { recursive: true });
  ctx.log(`  generating ${rows ? fmt(rows) : 'the full-scale (~7.2 M)'} synthetic rows -> ${path}`);
  const args = [GENERATOR, '--real', PUBLIC_TSV, '--out', `${path}.part${plain ? '' : '.gz'}`, '--gzip-level', '1'];
  if (rows) args.push('--rows', String(rows));
  await run('python3', args);
  await run('mv', [`${path}.part${plain ? '' : '.gz'}`, path]);
  return path;
}

/** A snapshot directory built from a TSV (and a core TSV) with the refresh CLI, cached by name. */
export async function snapshotDir(ctx: BenchContext, name: string, tsv: string, options: { species?: string; coreTsv?: string } = {}): Promise<string> {
  const dir = join(ctx.dataDir, `snap-${name}`);
  if (existsSync(join(dir, keys.pointer))) return dir;
  await rm(dir, { recursive: true, force: true });
  ctx.log(`  building snapshot ${name} with the refresh CLI${options.species ? ` (--species ${options.species})` : ''}`);
  const args = [REFRESH_CLI, '--tsv', tsv, '--out', dir, '--no-progress'];
  if (options.species) args.push('--species', options.species);
  if (options.coreTsv) args.push('--core-tsv', options.coreTsv);
  await run(process.execPath, args);
  return dir;
}

export interface SnapshotFiles {
  dir: string;
  pointer: Pointer;
  manifest: Manifest;
}

export async function openSnapshot(dir: string): Promise<SnapshotFiles> {
  const pointer = JSON.parse(await readFile(join(dir, keys.pointer), 'utf8')) as Pointer;
  const manifest = JSON.parse(await readFile(join(dir, pointer.manifest), 'utf8')) as Manifest;
  return { dir, pointer, manifest };
}

let xz: XzDecoder | null = null;

/** One object of a species: its kind, compressed bytes and JSON bytes. */
export interface SpeciesObject {
  key: string;
  kind: 'root' | 'chunk' | 'typos';
  xz: Uint8Array;
  json: Uint8Array;
}

/** Everything a snapshot holds for a species: its objects, and its index fully loaded. */
export interface LoadedSpecies extends SpeciesContent {
  species: string;
  entry: SpeciesEntry;
  objects: SpeciesObject[];
}

export async function loadSpecies(snap: SnapshotFiles, species: string): Promise<LoadedSpecies> {
  const entry = snap.manifest.species[species];
  if (!entry) throw new Error(`${snap.dir} has no species ${species}`);
  const read = async (key: string) => new Uint8Array(await readFile(join(snap.dir, key)));
  const content = await readSpecies(read, species, entry);
  xz ??= nodeXzDecoder();
  const object = async (key: string, kind: SpeciesObject['kind']) => {
    const bytes = await read(key);
    return { key, kind, xz: bytes, json: xz!.decode(bytes) };
  };
  const objects = [
    await object(entry.root.key, 'root'),
    ...(await Promise.all(content.root.chunks.map((c) => object(rootRef(content.root, c).key, 'chunk')))),
    // Answer objects are keyless chunks: they load, and count, as chunks.
    ...(await Promise.all((content.root.answers ?? []).map((a) => object(rootRef(content.root, a).key, 'chunk')))),
    ...(await Promise.all(content.root.typos.map((t) => object(rootRef(content.root, t).key, 'typos')))),
  ];
  return { ...content, species, entry, objects };
}

/** The bench data every section shares: the public snapshot and the synthetic one. */
export interface BenchData {
  publicSnap: SnapshotFiles;
  synthSnap: SnapshotFiles;
  synthTsv: string;
  /** The synthetic species with the most labels. */
  largest: string;
}

/**
 * The species with the most distinct labels in a TSV sorted by species (one species in memory
 * at a time), and its row count.
 */
export async function largestInTsv(tsv: string): Promise<{ species: string; labels: number; rows: number }> {
  let best = { species: '', labels: -1, rows: 0 };
  let current = '';
  let labels = new Set<string>();
  let rows = 0;
  const done = () => {
    if (current && labels.size > best.labels) best = { species: current, labels: labels.size, rows };
  };
  for await (const row of readTsv(tsv)) {
    if (row.species !== current) {
      done();
      current = row.species;
      labels = new Set();
      rows = 0;
    }
    rows++;
    if (row.label !== null) labels.add(row.label);
  }
  done();
  return best;
}

let prepared: Promise<BenchData> | null = null;

/**
 * Builds (or reuses from the cache) the public snapshot (with human core data), the synthetic
 * table and a snapshot of its largest species, all with the project's own refresh CLI.
 */
export function benchData(ctx: BenchContext): Promise<BenchData> {
  prepared ??= (async () => {
    const publicSnap = await openSnapshot(await snapshotDir(ctx, 'public-core', PUBLIC_TSV, { coreTsv: CORE_TSV }));
    const synthTsv = await syntheticTsv(ctx, ctx.synthRows);
    const largestFile = `${synthTsv}.largest.json`;
    let largest: string;
    if (existsSync(largestFile)) largest = JSON.parse(await readFile(largestFile, 'utf8')).species;
    else {
      ctx.log('  finding the synthetic species with the most labels');
      const found = await largestInTsv(synthTsv);
      await writeFile(largestFile, JSON.stringify(found));
      largest = found.species;
    }
    const synthSnap = await openSnapshot(await snapshotDir(ctx, `synth-${ctx.synthRows || 'natural'}-${largest}`, synthTsv, { species: largest }));
    return { publicSnap, synthSnap, synthTsv, largest };
  })();
  return prepared;
}
