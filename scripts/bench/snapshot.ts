/**
 * Section 4, snapshot refresh, MariaDB on loopback:
 * - N synthetic rows (default the full ~7.2 M; quick 50 k) loaded with Ensembl's DDL; a full
 *   refresh from scratch (`snapshot-refresh --mysql ... --out <fresh dir>`: stream, group,
 *   rank, chunk, xz -9 with its worker pool, publish), then, alternating, a refresh with
 *   nothing changed (into the same directory: every species reused) and a raw
 *   `mariadb --batch --quick` dump of the same columns to /dev/null (the floor). Wall time
 *   from here; peak RSS from GNU time (`/usr/bin/time -v`).
 * - Human's core data against its labels: the real human core sample in a core database next
 *   to the human rows, read in process the way the refresh reads them (MysqlCoreSource
 *   against MysqlSource), alternating.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import { MysqlCoreSource } from '../../snapshot/refresh/core-mysql.ts';
import { MysqlSource } from '../../snapshot/refresh/mysql-source.ts';
import { connectRoot, createCoreDatabase, createGeneDatabase, insertRows, publicTuples } from '../../test/support/mysql.ts';
import { atMost, fmt, HUMAN, median, MYSQL_HOST, MYSQL_PORT, REFRESH_CLI, ROOT, round, run, syntheticTsv, table, type BenchContext, type Target } from './lib.ts';

export interface SnapshotResult {
  rows: number;
  rounds: number;
  full_refresh_s: number;
  full_refresh_peak_rss_mb: number;
  unchanged_refresh_s: number;
  unchanged_peak_rss_mb: number;
  dump_s: number;
  dump_peak_rss_mb: number;
  unchanged_ratio_vs_dump: number;
  core: { labels_s: number; core_s: number; ratio: number; label_rows: number; core_rows: number; fingerprint_s: number; plain_labels_s: number; ratio_vs_plain: number };
}

const TIME = '/usr/bin/time';

/** Runs a command under GNU time with stdout to /dev/null; wall ms and max RSS (MB). */
function timed(command: string, args: string[]): Promise<{ ms: number; rssMb: number }> {
  return new Promise((resolvePromise, reject) => {
    const devnull = openSync('/dev/null', 'w');
    const started = performance.now();
    const child = spawn(TIME, ['-v', command, ...args], { cwd: ROOT, stdio: ['ignore', devnull, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(devnull);
      const ms = performance.now() - started;
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      if (code !== 0 || !rss) reject(new Error(`${command} exited ${code}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
      else resolvePromise({ ms, rssMb: Number(rss[1]) / 1024 });
    });
  });
}

/** Reads human's labels and its core data as the refresh does, timed side by side. */
async function coreVersusLabels(ctx: BenchContext, conn: mysql.Connection): Promise<SnapshotResult['core']> {
  const release = 990 + Math.floor(Math.random() * 9);
  const labels = `ensembl_autocomplete_${release}`;
  const core = `homo_sapiens_core_${release}_38`;
  try {
    ctx.log(`  loading human labels into ${labels} and the human core sample into ${core}`);
    await createGeneDatabase(conn, labels);
    await insertRows(conn, labels, await publicTuples((s) => s === HUMAN));
    await createCoreDatabase(conn, core);
    const url = `mysql://root@${MYSQL_HOST}:${MYSQL_PORT}/`;
    const timeLabels = async () => {
      const source = await MysqlSource.open({ url, database: labels });
      const t0 = performance.now();
      let rows = 0;
      for await (const group of source.groups()) rows += group.rows.length;
      const s = (performance.now() - t0) / 1000;
      await source.close();
      return { s, rows };
    };
    const timeCore = async () => {
      const source = await MysqlCoreSource.open({ url, release });
      const t0 = performance.now();
      const found = await source.lookup(HUMAN);
      const s = (performance.now() - t0) / 1000;
      await source.close();
      return { s, rows: found?.rows ?? 0 };
    };
    // What an unchanged refresh asks instead of reading: the core data's fingerprint, summed by the server.
    const timeFingerprint = async () => {
      const source = await MysqlCoreSource.open({ url, release });
      const t0 = performance.now();
      await source.fingerprint(HUMAN);
      const s = (performance.now() - t0) / 1000;
      await source.close();
      return s;
    };
    // The same label rows without the refresh's index order (FORCE INDEX streams them by species
    // without a server-side sort, at a random read per row): the floor of a label read.
    const timePlainLabels = async () => {
      const t0 = performance.now();
      await conn.query({ sql: `SELECT species, stable_id, display_label, location FROM \`${labels}\`.gene_autocomplete`, rowsAsArray: true });
      return (performance.now() - t0) / 1000;
    };
    await timeLabels();
    await timeCore();
    await timeFingerprint();
    await timePlainLabels();
    const rounds = ctx.quick ? 3 : 9;
    const l: number[] = [];
    const c: number[] = [];
    const f: number[] = [];
    const p: number[] = [];
    const ratios: number[] = [];
    const plainRatios: number[] = [];
    let labelRows = 0;
    let coreRows = 0;
    for (let r = 0; r < rounds; r++) {
      for (const which of r % 2 ? ['core', 'labels'] : ['labels', 'core']) {
        if (which === 'labels') ({ s: l[r], rows: labelRows } = await timeLabels());
        else ({ s: c[r], rows: coreRows } = await timeCore());
      }
      ratios.push(c[r]! / l[r]!);
      p.push(await timePlainLabels());
      plainRatios.push(c[r]! / p[r]!);
      f.push(await timeFingerprint());
    }
    const labels_s = round(median(l), 3);
    const core_s = round(median(c), 3);
    // The median of the per-round ratios: each round's pair ran side by side on the same machine state.
    return { labels_s, core_s, ratio: round(median(ratios), 2), label_rows: labelRows, core_rows: coreRows, fingerprint_s: round(median(f), 3), plain_labels_s: round(median(p), 3), ratio_vs_plain: round(median(plainRatios), 2) };
  } finally {
    await conn.query(`DROP DATABASE IF EXISTS \`${labels}\``);
    await conn.query(`DROP DATABASE IF EXISTS \`${core}\``);
  }
}

export async function benchSnapshot(ctx: BenchContext): Promise<{ result: SnapshotResult; markdown: string; targets: Target[] }> {
  if (!existsSync(TIME)) throw new Error(`${TIME} is missing (apt-get install -y time)`);
  const rows = ctx.snapshotRows;
  const tsv = await syntheticTsv(ctx, rows, true);
  const database = `bench_snapshot_${process.pid}`;
  const conn = await connectRoot();
  const out = join(ctx.dataDir, 'refresh-out');
  const client = ['-h', MYSQL_HOST, '-P', String(MYSQL_PORT), '-uroot'];
  try {
    const core = await coreVersusLabels(ctx, conn);
    ctx.log(`  core data ${core.core_s} s against labels ${core.labels_s} s (${core.ratio}x)`);
    ctx.log(`  loading ${rows ? fmt(rows) : 'the full-scale'} synthetic rows into ${database}`);
    await createGeneDatabase(conn, database);
    await run('mariadb', [
      ...client,
      '--local-infile=1',
      database,
      '-e',
      `LOAD DATA LOCAL INFILE '${tsv}' INTO TABLE gene_autocomplete CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' IGNORE 1 LINES ` +
        `(species, stable_id, @label, @location, db) SET display_label = NULLIF(@label, ''), location = NULLIF(@location, '')`,
    ]);
    const [counted] = await conn.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${database}\`.gene_autocomplete`);
    const loadedRows = Number(counted[0]!.n);
    const refreshArgs = ['--mysql', `mysql://root@${MYSQL_HOST}:${MYSQL_PORT}/`, '--database', database, '--out', out, '--no-progress'];
    const dumpArgs = [...client, '--batch', '--quick', database, '-e', 'SELECT species, stable_id, display_label, location FROM gene_autocomplete'];
    // One unmeasured dump warms MariaDB's caches.
    await timed('mariadb', dumpArgs);
    await rm(out, { recursive: true, force: true });
    const full = await timed(process.execPath, [REFRESH_CLI, ...refreshArgs]);
    ctx.log(`  full refresh: ${fmt(full.ms / 1000, 1)} s, peak RSS ${fmt(full.rssMb)} MB`);
    const rounds = ctx.quick ? 1 : 2;
    const unchanged: { ms: number; rssMb: number }[] = [];
    const dump: { ms: number; rssMb: number }[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const pair: Record<string, { ms: number; rssMb: number }> = {};
      for (const which of r % 2 ? ['dump', 'unchanged'] : ['unchanged', 'dump']) {
        pair[which] = which === 'unchanged' ? await timed(process.execPath, [REFRESH_CLI, ...refreshArgs]) : await timed('mariadb', dumpArgs);
        ctx.log(`  ${which}: ${fmt(pair[which]!.ms / 1000, 2)} s, peak RSS ${fmt(pair[which]!.rssMb)} MB`);
      }
      unchanged.push(pair.unchanged!);
      dump.push(pair.dump!);
      ratios.push(pair.unchanged!.ms / pair.dump!.ms);
    }
    const result: SnapshotResult = {
      rows: loadedRows,
      rounds,
      full_refresh_s: round(full.ms / 1000, 1),
      full_refresh_peak_rss_mb: Math.round(full.rssMb),
      unchanged_refresh_s: round(median(unchanged.map((x) => x.ms)) / 1000, 2),
      unchanged_peak_rss_mb: Math.round(Math.max(...unchanged.map((x) => x.rssMb))),
      dump_s: round(median(dump.map((x) => x.ms)) / 1000, 2),
      dump_peak_rss_mb: Math.round(Math.max(...dump.map((x) => x.rssMb))),
      unchanged_ratio_vs_dump: round(median(ratios), 2),
      core,
    };
    const targets = [
      atMost('refresh with nothing changed vs raw mariadb dump (wall time)', result.unchanged_ratio_vs_dump, 2),
      atMost('full refresh peak RSS', result.full_refresh_peak_rss_mb, 512, 'MB'),
      atMost(`core data reads vs label reads as the refresh reads them, ${HUMAN}`, core.ratio, 1.5),
      atMost(`core data reads vs a plain read of the same label rows, ${HUMAN}`, core.ratio_vs_plain, 1.5),
    ];
    const markdown = [
      '### 4. Snapshot refresh',
      '',
      `${fmt(loadedRows)} synthetic rows in MariaDB (Ensembl DDL, MyISAM); the full refresh once, then ${rounds} alternating round(s) of an unchanged refresh and the raw dump, medians; peak RSS from GNU time.`,
      '',
      table(
        ['command', 'wall s', 'peak RSS MB'],
        [
          ['snapshot-refresh --mysql, from scratch (xz -9, default jobs)', String(result.full_refresh_s), String(result.full_refresh_peak_rss_mb)],
          ['snapshot-refresh --mysql, nothing changed (every species reused)', String(result.unchanged_refresh_s), String(result.unchanged_peak_rss_mb)],
          ['mariadb --batch --quick SELECT species, stable_id, display_label, location > /dev/null', String(result.dump_s), String(result.dump_peak_rss_mb)],
          ['unchanged refresh ÷ dump', `${result.unchanged_ratio_vs_dump}x`, ''],
        ],
        ['l', 'r', 'r'],
      ),
      '',
      `Human core data (real sample in a core database, ${fmt(core.core_rows)} rows of the gene/synonym/biotype join) read as the refresh reads it (three scans joined in memory): ${core.core_s} s, against its ${fmt(core.label_rows)} label rows: ${core.labels_s} s (${core.ratio}x, the median of the per-round ratios; medians of ${ctx.quick ? 3 : 9} alternating rounds, mysql2 in process). The same label rows read without the refresh's index order (a plain SELECT, buffered): ${core.plain_labels_s} s, against which the core read is ${core.ratio_vs_plain}x. The core fingerprint, summed by the server (what a refresh asks when the labels did not change): ${core.fingerprint_s} s.`,
    ].join('\n');
    return { result, markdown, targets };
  } finally {
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await conn.end();
    await rm(out, { recursive: true, force: true });
  }
}
