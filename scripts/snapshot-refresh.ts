#!/usr/bin/env node
/**
 * snapshot-refresh: Ensembl MySQL (or a TSV export) -> a published snapshot in a directory,
 * S3 or R2. Usage, options and exit codes: docs/refresh.md. All logic lives in snapshot/.
 */
import { availableParallelism } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { CoreTsvSource } from '../snapshot/refresh/core-data.ts';
import { MysqlCoreSource } from '../snapshot/refresh/core-mysql.ts';
import { DirStore } from '../snapshot/refresh/dir-store.ts';
import { errorMessage, EXIT, RefreshError } from '../snapshot/refresh/errors.ts';
import { limitHeapGrowth } from '../snapshot/refresh/heap.ts';
import { DEFAULT_MYSQL_URL, MysqlSource, parseMysqlUrl } from '../snapshot/refresh/mysql-source.ts';
import { refresh, toRefreshError, type RefreshEvents } from '../snapshot/refresh/refresh.ts';
import { formatBytes, formatCount, jsonError, jsonSummary, summaryLines, summaryTable } from '../snapshot/refresh/report.ts';
import { speciesMatcher, TsvSource } from '../snapshot/refresh/rows.ts';
import { S3Store } from '../snapshot/refresh/s3-store.ts';
import type { ObjectStore } from '../snapshot/refresh/store.ts';

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

function collectPin(value: string, pins: Map<string, string>): Map<string, string> {
  const m = /^([a-z0-9_]+)=(\S+)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected <species>=<database>, e.g. homo_sapiens=homo_sapiens_core_115_38');
  return new Map(pins).set(m[1]!, m[2]!);
}

function percentage(value: string): number {
  const n = Number(value.replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('expected a percentage from 0 to 100');
  return n;
}

const program = new Command()
  .name('snapshot-refresh')
  .description('Publish a gene-autocomplete snapshot from Ensembl MySQL (or a TSV export) to a directory, S3 or R2.')
  .option('--mysql <url>', 'MySQL server; without a database, the newest ensembl_autocomplete_NNN / ensembl_website_NNN with gene_autocomplete (password: MYSQL_PWD)', DEFAULT_MYSQL_URL)
  .option('--database <name>', 'pin the database instead of detecting it')
  .option('--tsv <file>', 'read rows from a TSV export (.gz ok) instead of MySQL')
  .option('--core-tsv <file>', 'with --tsv: synonyms and biotypes from a TSV (species, stable_id, biotype, biotype_group, synonym)')
  .option('--no-core', "labels only: do not read the species' core databases")
  .option('--core-db <species=db>', "read this species' core data from this database (repeatable)", collectPin, new Map<string, string>())
  .option('--out <dir>', 'target: a local directory with the bucket layout (what SNAPSHOT_DIR serves)')
  .option('--bucket <name>', 'target: an S3 / R2 bucket (credentials from the AWS environment or profile)')
  .option('--prefix <prefix>', 'key prefix inside the bucket', '')
  .option('--endpoint <url>', 'S3-compatible endpoint, e.g. https://<account>.r2.cloudflarestorage.com')
  .option('--region <region>', 'bucket region (default: AWS_REGION, or auto with --endpoint)')
  .option('--species <globs>', 'only these species: comma-separated globs, e.g. homo_sapiens,mus_*')
  .option('--dry-run', 'dump, encode, validate and summarise; publish nothing')
  .option('--keep <n>', 'after publishing, prune to n old versions (never the current one or the one before)', integer(0, 10_000))
  .option('--max-shrink <percent>', 'guard: refuse when species or labels fall by more than this', percentage, 10)
  .option('--force', 'publish even when the guard refuses')
  .option('--json', 'print a machine-readable summary on stdout')
  .addOption(new Option('--jobs <n>', 'encoder threads (0: main thread)').argParser(integer(0, 256)).default(Math.min(availableParallelism(), 8)))
  .addOption(new Option('--xz-preset <n>', 'xz preset 0-9: lower is faster, larger shards').argParser(integer(0, 9)).default(9))
  .option('--no-progress', 'no progress bar or per-species lines')
  .exitOverride()
  .configureOutput({ outputError: (message, write) => write(message.trimEnd().split('\n')[0] + '\n') });

interface Options {
  mysql: string;
  database?: string;
  tsv?: string;
  coreTsv?: string;
  core: boolean;
  coreDb: Map<string, string>;
  out?: string;
  bucket?: string;
  prefix: string;
  endpoint?: string;
  region?: string;
  species?: string;
  dryRun?: boolean;
  keep?: number;
  maxShrink: number;
  force?: boolean;
  json?: boolean;
  jobs: number;
  xzPreset: number;
  progress: boolean;
}

function usage(message: string): never {
  throw new RefreshError('usage', message);
}

function openStore(o: Options): ObjectStore | null {
  if (o.out && o.bucket) usage('give either --out or --bucket, not both');
  if (!o.bucket && (o.endpoint || o.region || o.prefix)) usage('--prefix, --endpoint and --region go with --bucket');
  if (o.out) return new DirStore(o.out);
  if (o.bucket) {
    if (o.bucket.length < 3) usage('--bucket: bucket names have at least 3 characters');
    if (o.endpoint && !/^https?:\/\//.test(o.endpoint)) usage('--endpoint must be an http(s) URL');
    return new S3Store({ bucket: o.bucket, prefix: o.prefix, endpoint: o.endpoint, region: o.region });
  }
  if (!o.dryRun) usage('no target: give --out <dir> or --bucket <name> (or --dry-run)');
  return null;
}

function progressEvents(o: Options, log: (line: string) => void): { events: RefreshEvents; stop(): void } {
  const started = performance.now();
  const rate = (rows: number) => formatCount(Math.round(rows / Math.max(0.001, (performance.now() - started) / 1000)));
  const tty = Boolean(process.stderr.isTTY) && o.progress;
  let bar: cliProgress.SingleBar | null = null;
  let total: number | null = null;
  // Created on the first species and after each phase line (which stops it), so the two never interleave.
  const startBar = () => {
    bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: total !== null
          ? ' {bar} {value}/{total} species | {rows} rows, {rate} rows/s | {written} | {species}'
          : ' {value} species | {rows} rows, {rate} rows/s | {written} | {species}',
        hideCursor: true,
        clearOnComplete: true,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total ?? 0, 0, { rows: 0, rate: 0, written: '0 B', species: '' });
    return bar;
  };
  const events: RefreshEvents = {
    start(info) {
      const src = info.source.kind === 'mysql' ? `MySQL ${info.source.database} (release ${info.source.release ?? '?'})` : `TSV ${o.tsv}`;
      log(`refresh: ${src} -> ${info.store ?? 'dry run'}; new version ${info.version}; current ${info.current ?? 'none'}${info.total !== null ? `; ${info.total} species` : ''}`);
      total = info.total;
    },
    species(e) {
      if (tty) {
        bar ??= startBar();
        bar.update(e.done, { rows: formatCount(e.rowsRead), rate: rate(e.rowsRead), written: formatBytes(e.bytesWritten), species: e.species.species });
      } else if (o.progress) {
        const r = e.species;
        log(
          `[${e.done}${e.total !== null ? `/${e.total}` : ''}] ${r.species}: ${formatCount(r.labels)} labels from ${formatCount(r.rows)} rows` +
            `${r.reused ? ', unchanged' : ''}${r.skipped ? ` (${formatCount(r.skipped)} skipped)` : ''}, ${r.core ? `core data from ${r.core}` : 'no core data'}, ${formatBytes(r.bytes)} | ${formatCount(e.rowsRead)} rows read, ` +
            `${rate(e.rowsRead)} rows/s, ${formatBytes(e.bytesWritten)} written`,
        );
      }
    },
    phase(phase, detail) {
      if (phase === 'guard' && detail === 'ok') return;
      bar?.stop();
      bar = null;
      log(`${phase}: ${detail}`);
    },
    warn(message) {
      if (bar) bar.stop();
      bar = null;
      log(`warning: ${message}`);
    },
  };
  return { events, stop: () => bar?.stop() };
}

async function main(argv: string[]): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  limitHeapGrowth();
  let o: Options;
  try {
    program.parse(argv);
    o = program.opts<Options>();
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.OK : EXIT.USAGE;
    }
    throw error;
  }

  const controller = new AbortController();
  let signals = 0;
  const onSignal = (name: string) => {
    if (++signals > 1) process.exit(EXIT.INTERRUPTED);
    log(`${name}: stopping; the current snapshot stays as it is`);
    controller.abort();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  let store: ObjectStore | null = null;
  const progress = progressEvents(o, log);
  try {
    if (o.tsv && (program.getOptionValueSource('mysql') === 'cli' || o.database)) usage('--tsv reads a file; it does not go with --mysql or --database');
    if (o.coreTsv && !o.tsv) usage('--core-tsv goes with --tsv (with MySQL, core data comes from the core databases)');
    if (o.coreDb.size && o.tsv) usage('--core-db names a MySQL database; with --tsv use --core-tsv');
    if (!o.core && (o.coreTsv || o.coreDb.size)) usage('--no-core does not go with --core-tsv or --core-db');
    store = openStore(o);
    const filter = speciesMatcher(o.species?.split(','));
    if (o.species !== undefined && !filter) usage('--species: give at least one glob');
    const summary = await refresh({
      store,
      openSource: async () => {
        if (o.tsv) return new TsvSource(o.tsv, filter);
        parseMysqlUrl(o.mysql); // usage errors before connecting
        return MysqlSource.open({ url: o.mysql, database: o.database, envPassword: process.env.MYSQL_PWD, speciesFilter: filter });
      },
      openCore: async (source) => {
        if (!o.core) return null;
        if (o.tsv) return o.coreTsv ? new CoreTsvSource(o.coreTsv) : null;
        return MysqlCoreSource.open({ url: o.mysql, envPassword: process.env.MYSQL_PWD, release: source.release, pinned: o.coreDb });
      },
      dryRun: o.dryRun,
      force: o.force,
      maxShrink: o.maxShrink / 100,
      keep: o.keep,
      jobs: o.jobs,
      preset: o.xzPreset,
      signal: controller.signal,
      events: progress.events,
    });
    progress.stop();
    log(summaryTable(summary));
    for (const line of summaryLines(summary)) log(line);
    if (o.json) process.stdout.write(`${JSON.stringify(jsonSummary(summary), null, 2)}\n`);
    return EXIT.OK;
  } catch (caught) {
    progress.stop();
    const error = toRefreshError(caught, controller.signal.aborted);
    log(`snapshot-refresh: ${error.message.split('\n')[0]}`);
    if (error.kind === 'unexpected' && process.env.DEBUG) log(String((caught as Error)?.stack ?? caught));
    if (o.json) process.stdout.write(`${JSON.stringify(jsonError(error), null, 2)}\n`);
    return error.exitCode;
  } finally {
    if (store instanceof S3Store) store.destroy();
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
    // Sockets a failed source or store left open must not keep a finished run alive.
    setTimeout(() => process.exit(code), 3000).unref();
  },
  (error) => {
    process.stderr.write(`snapshot-refresh: ${errorMessage(error)}\n`);
    process.exit(EXIT.UNEXPECTED);
  },
);
