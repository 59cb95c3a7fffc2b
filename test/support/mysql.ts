/**
 * MariaDB / MySQL on 127.0.0.1:3306 (root, no password) for tests: databases shaped like
 * Ensembl's, with the real DDL (test/fixtures/gene_autocomplete.sql) and the rows of
 * data/public.tsv.gz. Every helper works on databases the caller names and drops.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import mysql from 'mysql2/promise';
import { readTsv, type SpeciesRow } from '../../snapshot/refresh/rows.ts';

export const MYSQL_HOST = process.env.TEST_MYSQL_HOST ?? '127.0.0.1';
export const MYSQL_PORT = Number(process.env.TEST_MYSQL_PORT ?? 3306);
export const MYSQL_URL = `mysql://root@${MYSQL_HOST}:${MYSQL_PORT}/`;

const DDL = readFileSync(new URL('../fixtures/gene_autocomplete.sql', import.meta.url), 'utf8');
export const PUBLIC_TSV = new URL('../../data/public.tsv.gz', import.meta.url).pathname;

export function connectRoot(database?: string): Promise<mysql.Connection> {
  return mysql.createConnection({ host: MYSQL_HOST, port: MYSQL_PORT, user: 'root', database, multipleStatements: true });
}

/** A name no other test run uses, e.g. `snapshot_t_3f9a1c`. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

let publicRows: SpeciesRow[] | null = null;
async function loadPublicRows(): Promise<SpeciesRow[]> {
  if (!publicRows) {
    const rows: SpeciesRow[] = [];
    for await (const row of readTsv(PUBLIC_TSV)) rows.push(row);
    publicRows = rows;
  }
  return publicRows;
}

export type RowTuple = [species: string | null, stableId: string, label: string | null, location: string | null];

/** Creates `database` with an empty gene_autocomplete table (Ensembl's DDL). */
export async function createGeneDatabase(conn: mysql.Connection, database: string): Promise<void> {
  await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await conn.query(`CREATE DATABASE \`${database}\` CHARACTER SET latin1`);
  await conn.query(`USE \`${database}\``);
  await conn.query(DDL);
}

export async function insertRows(conn: mysql.Connection, database: string, rows: RowTuple[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const batch = rows.slice(i, i + 5000).map((r) => [...r, 'core']);
    await conn.query(`INSERT INTO \`${database}\`.gene_autocomplete (species, stable_id, display_label, location, db) VALUES ?`, [batch]);
  }
}

/** Rows of data/public.tsv.gz, optionally only some species. */
export async function publicTuples(species?: (s: string) => boolean): Promise<RowTuple[]> {
  return (await loadPublicRows())
    .filter((r) => !species || species(r.species))
    .map((r) => [r.species, r.stableId, r.label, r.location]);
}

/** A database with the whole public sample (307,512 rows). */
export async function createPublicDatabase(conn: mysql.Connection, database: string): Promise<void> {
  await createGeneDatabase(conn, database);
  await conn.query(`ALTER TABLE \`${database}\`.gene_autocomplete DISABLE KEYS`);
  await insertRows(conn, database, await publicTuples());
  await conn.query(`ALTER TABLE \`${database}\`.gene_autocomplete ENABLE KEYS`);
}

export async function dropDatabases(conn: mysql.Connection, names: string[]): Promise<void> {
  for (const name of names) await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
}

/**
 * Creates `database` as a human core database: Ensembl's core DDL and the real sample rows of
 * test/fixtures/homo_sapiens_core.sql.gz (39,719 genes, 77,078 synonyms). About 4 s.
 */
export async function createCoreDatabase(conn: mysql.Connection, database: string): Promise<void> {
  const sql = gunzipSync(readFileSync(new URL('../fixtures/homo_sapiens_core.sql.gz', import.meta.url))).toString('utf8');
  await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await conn.query(`CREATE DATABASE \`${database}\``);
  await conn.query(`USE \`${database}\``);
  // Statements end with ';' at the end of a line; send them in batches well under max_allowed_packet.
  let batch = '';
  for (const statement of sql.split(/;\n/)) {
    if (!statement.trim()) continue;
    if (batch.length + statement.length > 4 << 20) {
      await conn.query(batch);
      batch = '';
    }
    batch += `${statement};\n`;
  }
  if (batch) await conn.query(batch);
}

/**
 * What a test file holds while the server has databases that the refresh's detection would
 * find (`ensembl_*`, `<species>_core_*`), or while it runs that detection: vitest runs two
 * files at a time, and one file's databases would otherwise be found by the other's refresh
 * (the newest autocomplete database, the newest core database of a species). A MariaDB named
 * lock, so that it also holds between processes, and is let go if one dies.
 */
export const DETECTION_LOCK_WAIT_S = 360;

export interface DetectionLock {
  release(): Promise<void>;
}

export async function holdDetectionLock(): Promise<DetectionLock> {
  const conn = await connectRoot();
  const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got', ['ensembl-autocomplete-tests-detection', DETECTION_LOCK_WAIT_S]);
  if (rows[0]!.got !== 1) {
    await conn.end();
    throw new Error(`another test file held the detection lock for over ${DETECTION_LOCK_WAIT_S} s`);
  }
  // Ending the session releases the lock.
  return { release: () => conn.end() };
}
