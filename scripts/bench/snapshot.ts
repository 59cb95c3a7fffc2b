/**
 * Section 4, snapshot refresh: N synthetic rows (default 1 M; quick 50 k) loaded into MariaDB
 * with Ensembl's DDL, then, alternating:
 * - `snapshot-refresh --mysql ... --database <db> --out <fresh dir>` (the project's CLI:
 *   stream, group, rank, xz -9 encode with its worker pool, publish);
 * - a raw `mariadb --batch --quick` dump of the same columns to /dev/null (the floor: what
 *   merely reading the table costs).
 * Wall time from here; peak RSS from GNU time (`/usr/bin/time -v`).
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { connectRoot, createGeneDatabase } from '../../test/support/mysql.ts';
import { atMost, fmt, median, MYSQL_HOST, MYSQL_PORT, REFRESH_CLI, ROOT, round, run, syntheticTsv, table, type BenchContext, type Target } from './lib.ts';

export interface SnapshotResult {
  rows: number;
  rounds: number;
  refresh_s: number;
  dump_s: number;
  ratio_vs_mysql_dump: number;
  peak_rss_mb: number;
  dump_peak_rss_mb: number;
  note: string | null;
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

export async function benchSnapshot(ctx: BenchContext): Promise<{ result: SnapshotResult; markdown: string; targets: Target[] }> {
  if (!existsSync(TIME)) throw new Error(`${TIME} is missing (apt-get install -y time)`);
  const rows = ctx.snapshotRows;
  const tsv = await syntheticTsv(ctx, rows, true);
  const database = `bench_snapshot_${process.pid}`;
  const conn = await connectRoot();
  const out = join(ctx.dataDir, 'refresh-out');
  const client = ['-h', MYSQL_HOST, '-P', String(MYSQL_PORT), '-uroot'];
  try {
    ctx.log(`  loading ${fmt(rows)} synthetic rows into ${database}`);
    await createGeneDatabase(conn, database);
    await run('mariadb', [
      ...client,
      '--local-infile=1',
      database,
      '-e',
      `LOAD DATA LOCAL INFILE '${tsv}' INTO TABLE gene_autocomplete CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' IGNORE 1 LINES ` +
        `(species, stable_id, @label, @location, db) SET display_label = NULLIF(@label, ''), location = NULLIF(@location, '')`,
    ]);
    const refreshArgs = ['--mysql', `mysql://root@${MYSQL_HOST}:${MYSQL_PORT}/`, '--database', database, '--out', out, '--no-progress'];
    const dumpArgs = [...client, '--batch', '--quick', database, '-e', 'SELECT species, stable_id, display_label, location FROM gene_autocomplete'];
    // One unmeasured dump warms MariaDB's caches for both.
    await timed('mariadb', dumpArgs);
    const rounds = ctx.quick ? 1 : 2;
    const refresh: { ms: number; rssMb: number }[] = [];
    const dump: { ms: number; rssMb: number }[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const pair: Record<string, { ms: number; rssMb: number }> = {};
      for (const which of r % 2 ? ['dump', 'refresh'] : ['refresh', 'dump']) {
        if (which === 'refresh') {
          await rm(out, { recursive: true, force: true });
          pair.refresh = await timed(process.execPath, [REFRESH_CLI, ...refreshArgs]);
        } else {
          pair.dump = await timed('mariadb', dumpArgs);
        }
        ctx.log(`  ${which}: ${fmt(pair[which]!.ms / 1000, 2)} s, peak RSS ${fmt(pair[which]!.rssMb)} MB`);
      }
      refresh.push(pair.refresh!);
      dump.push(pair.dump!);
      ratios.push(pair.refresh!.ms / pair.dump!.ms);
    }
    const result: SnapshotResult = {
      rows,
      rounds,
      refresh_s: round(median(refresh.map((x) => x.ms)) / 1000, 2),
      dump_s: round(median(dump.map((x) => x.ms)) / 1000, 2),
      ratio_vs_mysql_dump: round(median(ratios), 2),
      peak_rss_mb: Math.round(Math.max(...refresh.map((x) => x.rssMb))),
      dump_peak_rss_mb: Math.round(Math.max(...dump.map((x) => x.rssMb))),
      note: null,
    };
    const targets = [
      atMost('snapshot refresh vs raw mariadb dump (wall time)', result.ratio_vs_mysql_dump, 1.5),
      atMost('snapshot refresh peak RSS', result.peak_rss_mb, 512, 'MB'),
    ];
    const markdown = [
      '### 4. Snapshot refresh',
      '',
      `${fmt(rows)} synthetic rows in MariaDB (Ensembl DDL, MyISAM); ${rounds} alternating round(s), medians; peak RSS from GNU time.`,
      '',
      table(
        ['command', 'wall s', 'peak RSS MB'],
        [
          ['snapshot-refresh --mysql (xz -9, default jobs)', String(result.refresh_s), String(result.peak_rss_mb)],
          ['mariadb --batch --quick SELECT species, stable_id, display_label, location > /dev/null', String(result.dump_s), String(result.dump_peak_rss_mb)],
          ['ratio', `${result.ratio_vs_mysql_dump}x`, ''],
        ],
        ['l', 'r', 'r'],
      ),
    ].join('\n');
    return { result, markdown, targets };
  } finally {
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await conn.end();
    await rm(out, { recursive: true, force: true });
  }
}
