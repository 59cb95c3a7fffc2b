/**
 * snapshot-refresh against the real MariaDB of this machine, as a subprocess: database
 * auto-detection, species filter, NULL labels, a connection killed mid-stream, access denied,
 * and the other source failures with their exit codes; fingerprints computed by the server
 * (the same as Node's), and incremental refreshes that read only the species that changed.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../snapshot/refresh/errors.ts';
import { manifestSchema, pointerSchema, type SpeciesEntry } from '../../snapshot/format.ts';
import { MysqlSource } from '../../snapshot/refresh/mysql-source.ts';
import { groupBySpecies, type SpeciesRow } from '../../snapshot/refresh/rows.ts';
import { FAST_XZ, runCli, startCli } from '../support/cli.ts';
import { readSpecies } from '../support/read-snapshot.ts';
import {
  MYSQL_HOST,
  MYSQL_PORT,
  MYSQL_URL,
  connectRoot,
  createGeneDatabase,
  createPublicDatabase,
  DETECTION_LOCK_WAIT_S,
  dropDatabases,
  holdDetectionLock,
  type DetectionLock,
  insertRows,
  publicTuples,
  uniqueName,
} from '../support/mysql.ts';

let root: mysql.Connection;
let work: string;
const databases: string[] = [];
const users: string[] = [];
/** The whole public sample, 307,512 rows in 19 species. */
const PUBLIC_DB = uniqueName('snapshot_public');
let lock: DetectionLock | undefined;

beforeAll(async () => {
  // Detection here, and each refresh's search for core databases, must not find another file's.
  lock = await holdDetectionLock();
  root = await connectRoot();
  work = await mkdtemp(join(tmpdir(), 'refresh-mysql-'));
  databases.push(PUBLIC_DB);
  await createPublicDatabase(root, PUBLIC_DB);
}, 120_000 + DETECTION_LOCK_WAIT_S * 1000);

afterAll(async () => {
  await dropDatabases(root, databases);
  for (const user of users) await root.query(`DROP USER IF EXISTS '${user}'@'%', '${user}'@'localhost'`);
  await root.end();
  await lock?.release();
  await rm(work, { recursive: true, force: true });
});

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

async function readSnapshot(dir: string) {
  const pointer = pointerSchema.parse(await readJson(join(dir, 'current.json')));
  const manifest = manifestSchema.parse(await readJson(join(dir, pointer.manifest)));
  return { pointer, manifest };
}

function readSpeciesIn(dir: string, species: string, entry: SpeciesEntry) {
  return readSpecies(async (key) => new Uint8Array(await readFile(join(dir, key))), species, entry);
}

describe('database detection', () => {
  it('picks the newest ensembl_autocomplete_NNN / ensembl_website_NNN that holds gene_autocomplete', async () => {
    // Release numbers far above Ensembl's so that nothing else on the server outranks them.
    const website = 'ensembl_website_97';
    const older = 'ensembl_autocomplete_996';
    const newest = 'ensembl_autocomplete_997';
    const emptyNewer = 'ensembl_autocomplete_998'; // no gene_autocomplete table: skipped
    databases.push(website, older, newest, emptyNewer);
    const human = await publicTuples((s) => s === 'homo_sapiens');
    const yeast = await publicTuples((s) => s === 'saccharomyces_cerevisiae');
    await createGeneDatabase(root, website);
    await insertRows(root, website, yeast);
    await createGeneDatabase(root, older);
    await insertRows(root, older, yeast);
    await createGeneDatabase(root, newest);
    await insertRows(root, newest, human);
    await root.query(`CREATE DATABASE IF NOT EXISTS \`${emptyNewer}\``);

    const out = join(work, 'detect');
    const result = await runCli(['--mysql', MYSQL_URL, '--out', out, '--json', ...FAST_XZ]);
    expect(result.code, result.stderr).toBe(EXIT.OK);
    const { manifest } = await readSnapshot(out);
    expect(manifest.source).toEqual({ kind: 'mysql', database: newest, release: 997 });
    expect(Object.keys(manifest.species)).toEqual(['homo_sapiens']);
    const summary = JSON.parse(result.stdout);
    expect(summary.source.database).toBe(newest);

    // Without any autocomplete database, the newest website database wins.
    await dropDatabases(root, [older, newest, emptyNewer]);
    const out2 = join(work, 'detect-website');
    const second = await runCli(['--mysql', MYSQL_URL, '--out', out2, ...FAST_XZ]);
    expect(second.code, second.stderr).toBe(EXIT.OK);
    expect((await readSnapshot(out2)).manifest.source).toEqual({ kind: 'mysql', database: website, release: 97 });
  });
});

describe('refresh from MySQL', () => {
  it('publishes every species of a pinned database, ranked and complete', async () => {
    const out = join(work, 'full');
    const result = await runCli(['--mysql', `${MYSQL_URL}${PUBLIC_DB}`, '--out', out, '--json', '--jobs', '2', ...FAST_XZ]);
    expect(result.code, result.stderr).toBe(EXIT.OK);
    const { pointer, manifest } = await readSnapshot(out);
    expect(manifest.version).toBe(pointer.version);
    expect(manifest.source).toEqual({ kind: 'mysql', database: PUBLIC_DB, release: null });
    expect(Object.keys(manifest.species)).toHaveLength(19);
    const rows = Object.values(manifest.species).reduce((n, e) => n + e.rows, 0);
    expect(rows).toBe(307_512);
    const human = await readSpeciesIn(out, 'homo_sapiens', manifest.species.homo_sapiens!);
    const brc = human.labels.filter((l) => l.startsWith('BRC'));
    expect(brc.slice(0, 4)).toEqual(['BRCA1', 'BRCA2', 'BRCC3', 'BRCC3P1']);
    expect(human.labels).toHaveLength(manifest.species.homo_sapiens!.labels);
    // The summary table names every species with its size and ratio.
    expect(result.stderr).toMatch(/homo_sapiens\s+36,609\s+40,115\s+0\s+\S+\s+[\d,]+\s+[\d,]+\s+[\d,]+\s+[\d.]+x/);
    expect(JSON.parse(result.stdout).totals.species).toBe(19);
  }, 90_000);

  it('limits the snapshot to --species globs', async () => {
    const out = join(work, 'filtered');
    const result = await runCli(['--mysql', MYSQL_URL, '--database', PUBLIC_DB, '--species', 'mus_*,homo_sapiens,gallus_gallus', '--out', out, ...FAST_XZ]);
    expect(result.code, result.stderr).toBe(EXIT.OK);
    const { manifest } = await readSnapshot(out);
    expect(Object.keys(manifest.species)).toEqual(['gallus_gallus', 'homo_sapiens', 'mus_musculus']);
  });

  it('skips and counts NULL and blank labels', async () => {
    const db = uniqueName('snapshot_nulls');
    databases.push(db);
    await createGeneDatabase(root, db);
    await insertRows(root, db, [
      ['danio_rerio', 'ENSDARG01', 'brca2', '5:1-100'],
      ['danio_rerio', 'ENSDARG02', null, '5:200-300'],
      ['danio_rerio', 'ENSDARG03', '', null],
      ['danio_rerio', 'ENSDARG04', '   ', null],
      ['danio_rerio', 'ENSDARG05', 'tp53', null],
      ['danio_rerio', 'ENSDARG06', 'brca2', null],
      [null, 'ENSXXX', 'orphan', null],
    ]);
    const out = join(work, 'nulls');
    const result = await runCli(['--mysql', MYSQL_URL, '--database', db, '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(EXIT.OK);
    const { manifest } = await readSnapshot(out);
    expect(manifest.species.danio_rerio).toMatchObject({ labels: 2, rows: 6 });
    const zebrafish = await readSpeciesIn(out, 'danio_rerio', manifest.species.danio_rerio!);
    expect(zebrafish.labels).toEqual(['brca2', 'tp53']);
    expect(zebrafish.labels.map((l) => zebrafish.stableIdsOf(l))).toEqual(['ENSDARG01 ENSDARG06', 'ENSDARG05']);
    const summary = JSON.parse(result.stdout);
    expect(summary.totals).toMatchObject({ species: 1, labels: 2, rows: 6, skipped: 3 });
  });

  it('leaves the pointer untouched and exits non-zero when the connection is killed mid-stream', async () => {
    const out = join(work, 'killed');
    const first = await runCli(['--mysql', MYSQL_URL, '--database', PUBLIC_DB, '--out', out, '--species', 'homo_sapiens']);
    expect(first.code, first.stderr).toBe(EXIT.OK);
    const before = await readFile(join(out, 'current.json'));

    // One encoder thread and the slowest xz keep the stream paused on backpressure, so the
    // server is still sending when the first species read is done (human, unchanged, is
    // published as it was before the stream starts).
    const cli = startCli(['--mysql', MYSQL_URL, '--database', PUBLIC_DB, '--out', out, '--jobs', '1', '--force']);
    expect(await cli.waitFor(/^\[1\/19\]/)).toMatch(/^\[1\/19\] homo_sapiens:/);
    await cli.waitFor(/^\[2\/19\]/);
    const [threads] = await root.query<mysql.RowDataPacket[]>(
      // Only this test's stream: other runs on the same server must not be touched.
      'SELECT id FROM information_schema.processlist WHERE info LIKE ? AND id <> CONNECTION_ID()',
      [`SELECT species, stable_id, display_label, location FROM \`${PUBLIC_DB}\`.gene_autocomplete%`],
    );
    const streaming = threads;
    expect(streaming).toHaveLength(1);
    for (const { id } of streaming) await root.query(`KILL ${Number(id)}`);
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(EXIT.SOURCE_FAILED);
    expect(result.stderr).toMatch(/MySQL connection .* lost while streaming rows/);
    expect(await readFile(join(out, 'current.json'))).toEqual(before);
  });

  it('exits with distinct codes for access denied, unreachable server, missing table and zero rows', async () => {
    const user = uniqueName('snap_user');
    users.push(user);
    await root.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'right-password'`);
    await root.query(`CREATE USER '${user}'@'localhost' IDENTIFIED BY 'right-password'`);
    const out = join(work, 'errors');

    const denied = await runCli(['--mysql', `mysql://${user}@${MYSQL_HOST}:${MYSQL_PORT}/`, '--out', out], { MYSQL_PWD: 'wrong-password' });
    expect(denied.code, denied.stderr).toBe(EXIT.SOURCE_ACCESS_DENIED);
    expect(denied.stderr.trim().split('\n').at(-1)).toMatch(/^snapshot-refresh: MySQL access denied/);
    expect(denied.stderr).not.toContain('wrong-password');

    // The right password but no grant on the database.
    const noGrant = await runCli(['--mysql', `mysql://${user}@${MYSQL_HOST}:${MYSQL_PORT}/${PUBLIC_DB}`, '--out', out], {
      MYSQL_PWD: 'right-password',
    });
    expect([EXIT.SOURCE_ACCESS_DENIED, EXIT.NO_TABLE]).toContain(noGrant.code);

    const unreachable = await runCli(['--mysql', 'mysql://root@127.0.0.1:1/', '--out', out]);
    expect(unreachable.code, unreachable.stderr).toBe(EXIT.SOURCE_UNREACHABLE);
    expect(unreachable.stderr).toMatch(/unreachable/);

    const noTable = await runCli(['--mysql', MYSQL_URL, '--database', uniqueName('snapshot_missing'), '--out', out]);
    expect(noTable.code, noTable.stderr).toBe(EXIT.NO_TABLE);

    const empty = uniqueName('snapshot_empty');
    databases.push(empty);
    await createGeneDatabase(root, empty);
    const zero = await runCli(['--mysql', MYSQL_URL, '--database', empty, '--out', out, '--json']);
    expect(zero.code, zero.stderr).toBe(EXIT.ZERO_ROWS);
    expect(JSON.parse(zero.stdout)).toMatchObject({ ok: false, exit_code: EXIT.ZERO_ROWS, error: { kind: 'zero-rows' } });

    const noSpecies = await runCli(['--mysql', MYSQL_URL, '--database', PUBLIC_DB, '--species', 'no_such_*', '--out', out]);
    expect(noSpecies.code, noSpecies.stderr).toBe(EXIT.ZERO_ROWS);
    // None of these published anything.
    await expect(readFile(join(out, 'current.json'))).rejects.toThrow(/ENOENT/);
  });
});

describe('fingerprints on the server', () => {
  const nodeFingerprints = async (rows: SpeciesRow[]) => {
    const out = new Map<string, { count: number; sum: bigint }>();
    for await (const group of groupBySpecies((async function* () {
      yield rows;
    })())) out.set(group.species, group.fingerprint!);
    return out;
  };
  const serverFingerprints = async (db: string) => {
    const source = await MysqlSource.open({ url: `${MYSQL_URL}${db}` });
    try {
      return new Map([...(await source.summarize())].map(([species, s]) => [species, s.fingerprint]));
    } finally {
      await source.close();
    }
  };

  it('MariaDB sums the same row values as Node', async () => {
    const node = await nodeFingerprints((await publicTuples()).map(([species, stableId, label, location]) => ({ species: species!, stableId, label, location })));
    const server = await serverFingerprints(PUBLIC_DB);
    expect(server.size).toBe(19);
    expect(server).toEqual(node);
  });

  it('over NULLs, blanks, tabs and characters beyond ASCII, in a utf8mb4 table', async () => {
    const db = uniqueName('snapshot_texts');
    databases.push(db);
    await createGeneDatabase(root, db);
    // MyISAM keys are limited to 1000 bytes: utf8mb4 needs the species keys shorter.
    await root.query(`ALTER TABLE \`${db}\`.gene_autocomplete DROP KEY i, DROP KEY i2, DROP KEY i3, CONVERT TO CHARACTER SET utf8mb4, ADD KEY i (species(100), display_label(100))`);
    const rows: [string, string, string | null, string | null][] = [
      ['danio_rerio', 'ENSDARG01', 'brca2', '5:1-100'],
      ['danio_rerio', 'ENSDARG02', null, '5:200-300'],
      ['danio_rerio', 'ENSDARG03', '', null],
      ['danio_rerio', 'ENSDARG04', ' \t ', null],
      ['danio_rerio', 'ENSDARG05', null, null],
      ['danio_rerio', 'ENSDARG06', '\u00e9lan \u03b1-actin', '\u00a0'],
      ['danio_rerio', 'ENSDARG07', '\u{1d53e}ene', null],
      ['danio_rerio', 'ENSDARG07', '\u{1d53e}ene', null],
      ['gallus_gallus', '', 'orphan', '1:1-2'],
    ];
    await insertRows(root, db, rows);
    const server = await serverFingerprints(db);
    expect(server.get('danio_rerio')!.count).toBe(8);
    expect(server).toEqual(await nodeFingerprints(rows.map(([species, stableId, label, location]) => ({ species, stableId, label, location }))));
  });
});

describe('incremental refresh from MySQL', () => {
  const SPECIES = ['danio_rerio', 'gallus_gallus', 'saccharomyces_cerevisiae'];
  const refreshOnce = async (db: string, out: string) => {
    const result = await runCli(['--mysql', `${MYSQL_URL}${db}`, '--out', out, '--json', ...FAST_XZ]);
    expect(result.code, result.stderr).toBe(EXIT.OK);
    const summary = JSON.parse(result.stdout) as { totals: { reused: number; rows_read: number; rows: number }; species: { species: string; reused: boolean; rows: number; skipped: number | null }[] };
    return { summary, stderr: result.stderr, rebuilt: summary.species.filter((s) => !s.reused).map((s) => s.species) };
  };

  it('reads and rebuilds only the species whose rows changed, whatever the change', async () => {
    const db = uniqueName('snapshot_incr');
    databases.push(db);
    await createGeneDatabase(root, db);
    await insertRows(root, db, await publicTuples((s) => SPECIES.includes(s)));
    await insertRows(root, db, [['danio_rerio', 'ENSDARG99', null, null]]);
    const out = join(work, 'incremental');
    const first = await refreshOnce(db, out);
    expect(first.rebuilt).toEqual(SPECIES);
    const rows = first.summary.totals.rows;
    expect(first.summary.totals.rows_read).toBe(rows);

    const same = await refreshOnce(db, out);
    expect(same.summary.totals).toMatchObject({ reused: 3, rows_read: 0, rows });
    expect(same.stderr).toMatch(/compare: 3 species unchanged, 0 to read/);
    // Rows not read are not counted as skipped either: unknown.
    expect(same.summary.species.find((s) => s.species === 'danio_rerio')!.skipped).toBeNull();
    expect(first.summary.species.find((s) => s.species === 'danio_rerio')!.skipped).toBe(1);

    const table = `\`${db}\`.gene_autocomplete`;
    const [[chicken]] = await root.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table} WHERE species = 'gallus_gallus'`);
    const changes: [string, string][] = [
      ['a label', `UPDATE ${table} SET display_label = 'BRCA2X' WHERE species = 'gallus_gallus' AND display_label = 'BRCA2'`],
      ['a location', `UPDATE ${table} SET location = '1:1-2' WHERE species = 'gallus_gallus' AND display_label = 'TP53'`],
      ['a stable ID', `UPDATE ${table} SET stable_id = 'ENSGALG99999999999' WHERE species = 'gallus_gallus' AND display_label = 'BRCA1'`],
      ['a NULL location set', `UPDATE ${table} SET location = '' WHERE species = 'gallus_gallus' AND location IS NULL LIMIT 1`],
      ['a row doubled', `INSERT INTO ${table} (species, stable_id, display_label, location, db) SELECT species, stable_id, display_label, location, db FROM ${table} WHERE species = 'gallus_gallus' AND display_label = 'EGFR'`],
      ['a row removed', `DELETE FROM ${table} WHERE species = 'gallus_gallus' AND display_label = 'EGFR' LIMIT 1`],
      ['a row added', `INSERT INTO ${table} (species, stable_id, display_label, location, db) VALUES ('gallus_gallus', 'ENSGALG99999999998', 'NEWGENE', NULL, 'core')`],
    ];
    let expectedRows = Number(chicken!.n);
    for (const [what, sql] of changes) {
      const [result] = await root.query<mysql.ResultSetHeader>(sql);
      expect(result.affectedRows, what).toBe(1);
      if (what === 'a row doubled' || what === 'a row added') expectedRows++;
      if (what === 'a row removed') expectedRows--;
      const changed = await refreshOnce(db, out);
      expect(changed.rebuilt, what).toEqual(['gallus_gallus']);
      expect(changed.summary.totals.rows_read, what).toBe(expectedRows);
      expect(changed.stderr, what).toMatch(/compare: 2 species unchanged, 1 to read/);
    }
    const { manifest } = await readSnapshot(out);
    const chickenNow = await readSpeciesIn(out, 'gallus_gallus', manifest.species.gallus_gallus!);
    expect(chickenNow.labels).toContain('BRCA2X');
    expect(chickenNow.labels).toContain('NEWGENE');
    expect(chickenNow.stableIdsOf('BRCA1')).toBe('ENSGALG99999999999');
    expect((await refreshOnce(db, out)).summary.totals).toMatchObject({ reused: 3, rows_read: 0 });
  }, 120_000);

  it('rebuilds a species whose rows changed while they were read, even when they change back', async () => {
    const out = join(work, 'unsettled');
    // One encoder thread and the slowest xz: species are done one by one while the rows stream.
    const cli = startCli(['--mysql', `${MYSQL_URL}${PUBLIC_DB}`, '--out', out, '--jobs', '1']);
    const line = await cli.waitFor(/^\[1\/19\] /);
    const first = /^\[1\/19\] (\w+):/.exec(line)![1]!;
    const table = `\`${PUBLIC_DB}\`.gene_autocomplete`;
    // Waits for the stream's table lock, so it lands after the rows were read and before they are checked.
    const [[row]] = await root.query<mysql.RowDataPacket[]>(`SELECT stable_id, display_label FROM ${table} WHERE species = ? AND display_label IS NOT NULL LIMIT 1`, [first]);
    await root.query(`UPDATE ${table} SET display_label = ? WHERE species = ? AND stable_id = ?`, [`${row!.display_label}-moved`, first, row!.stable_id]);
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(EXIT.OK);
    expect(result.stderr).toContain(`warning: ${first}: its rows changed while they were read`);

    await root.query(`UPDATE ${table} SET display_label = ? WHERE species = ? AND stable_id = ?`, [row!.display_label, first, row!.stable_id]);
    const again = await refreshOnce(PUBLIC_DB, out);
    expect(again.rebuilt).toEqual([first]);
    expect(again.summary.totals.reused).toBe(18);
  }, 180_000);
});
