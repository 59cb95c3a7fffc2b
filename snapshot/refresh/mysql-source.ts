/**
 * Rows from Ensembl's MySQL: connect, find the newest database holding gene_autocomplete,
 * fingerprint each species on the server (without sending its rows), and stream the rows of
 * the species to build, ordered by species through the table's (species, display_label)
 * index, one species at a time, with backpressure so memory holds at most a few species.
 */
import mysql, { type Connection, type QueryOptions } from 'mysql2';
import type { Readable } from 'node:stream';
import { RefreshError } from './errors.ts';
import type { SnapshotSource } from '../format.ts';
import { FingerprintSum, ROW_TEXT_SQL, valueSql } from './input-hash.ts';
import type { RowSource, SpeciesRows, SpeciesSummary } from './rows.ts';

export const DEFAULT_MYSQL_URL = 'mysql://anonymous@ensembldb.ensembl.org:3306/';

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string | undefined;
}

/**
 * `mysql://user[:password]@host[:port][/database]`. A password in the URL works but lands in
 * shell history; prefer the MYSQL_PWD environment variable (passed in as `envPassword`).
 */
export function parseMysqlUrl(url: string, envPassword?: string): MysqlTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RefreshError('usage', `--mysql: not a URL: ${url.replace(/:[^:@/]*@/, ':***@')}`);
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new RefreshError('usage', `--mysql: expected mysql://user@host:port/, got ${parsed.protocol}//`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\/+|\/+$/g, '')) || undefined;
  return {
    host: parsed.hostname || 'localhost',
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username) || 'anonymous',
    password: parsed.password ? decodeURIComponent(parsed.password) : envPassword || undefined,
    database,
  };
}

const ACCESS_DENIED = new Set([
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_TABLEACCESS_DENIED_ERROR',
  'ER_COLUMNACCESS_DENIED_ERROR',
  'ER_SPECIFIC_ACCESS_DENIED_ERROR',
  'ER_ACCESS_DENIED_NO_PASSWORD_ERROR',
  'ER_HOST_NOT_PRIVILEGED',
]);
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_HOST_IS_BLOCKED',
]);
const LOST = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
  'ER_SERVER_SHUTDOWN',
  'ER_NET_READ_INTERRUPTED',
  'ER_NET_WRITE_INTERRUPTED',
]);

/** Maps a mysql2 error to a RefreshError; `phase` tells a refused connection from a lost one. */
export function classifyMysqlError(error: unknown, phase: 'connect' | 'query' | 'stream', where: string): RefreshError {
  if (error instanceof RefreshError) return error;
  const err = error as Error & { code?: string; errno?: number };
  const code = err.code ?? '';
  const message = err.message || code || String(error);
  if (ACCESS_DENIED.has(code)) return new RefreshError('source-access-denied', `MySQL access denied at ${where}: ${message}`, { cause: error });
  if (code === 'ER_BAD_DB_ERROR' || code === 'ER_NO_SUCH_TABLE') {
    return new RefreshError('no-table', `no gene_autocomplete table at ${where}: ${message}`, { cause: error });
  }
  if (phase === 'connect' && (UNREACHABLE.has(code) || err.name === 'AggregateError')) {
    return new RefreshError('source-unreachable', `MySQL server ${where} unreachable: ${message || 'connection failed'}`, { cause: error });
  }
  if (phase === 'stream' && LOST.has(code)) {
    return new RefreshError('source-failed', `MySQL connection to ${where} lost while streaming rows: ${message}`, { cause: error });
  }
  return new RefreshError('source-failed', `MySQL error at ${where}: ${message}`, { cause: error });
}

export type Row = Record<string, unknown> & unknown[];

export function query(connection: Connection, options: QueryOptions | string, values?: unknown[]): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const opts: QueryOptions = typeof options === 'string' ? { sql: options } : options;
    connection.query({ ...opts, values: values ?? opts.values }, (error, rows) => (error ? reject(error) : resolve(rows as Row[])));
  });
}

export function connect(config: mysql.ConnectionOptions): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const connection = mysql.createConnection(config);
    const onError = (error: Error) => {
      connection.destroy();
      reject(error);
    };
    connection.once('error', onError);
    connection.connect((error) => {
      if (error) return onError(error);
      connection.off('error', onError);
      // An error event with no listener would crash the process; errors surface through queries.
      connection.on('error', () => {});
      resolve(connection);
    });
  });
}

/**
 * A connection for reading Ensembl's tables, to the server a mysql:// URL names: UTF-8
 * throughout, big numbers as strings, and room for a result set whose reader pauses (the
 * server aborts one whose client stops reading for net_write_timeout seconds; our backpressure
 * pauses while a species encodes). `where` (user@host:port) names the server in errors; a
 * failed connect throws what `fail` makes of it.
 */
export async function openSession(
  options: { url: string; envPassword?: string; connectTimeoutMs?: number },
  fail: (error: unknown, where: string) => Error,
): Promise<{ connection: Connection; target: MysqlTarget; where: string }> {
  const target = parseMysqlUrl(options.url, options.envPassword);
  const where = `${target.user}@${target.host}:${target.port}`;
  let connection: Connection;
  try {
    connection = await connect({
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      connectTimeout: options.connectTimeoutMs ?? 15_000,
      charset: 'utf8mb4_general_ci',
      supportBigNumbers: true,
    });
  } catch (error) {
    throw fail(error, where);
  }
  await query(connection, 'SET SESSION net_write_timeout = 600').catch(() => {});
  return { connection, target, where };
}

const DATABASE_PATTERN = /^ensembl_(autocomplete|website)_(\d+)$/;

/** Release number of an Ensembl web/autocomplete database name, else null. */
export function releaseOf(database: string): number | null {
  const match = DATABASE_PATTERN.exec(database);
  return match ? Number(match[2]) : null;
}

/**
 * Orders candidate databases newest first: by release, and at the same release the dedicated
 * `ensembl_autocomplete_NNN` (release 101 on) before `ensembl_website_NNN`.
 */
export function rankDatabases(names: readonly string[]): string[] {
  return names
    .map((name) => ({ name, match: DATABASE_PATTERN.exec(name) }))
    .filter((c): c is { name: string; match: RegExpExecArray } => c.match !== null)
    .sort((a, b) => Number(b.match[2]) - Number(a.match[2]) || (a.match[1] === 'autocomplete' ? -1 : 1) - (b.match[1] === 'autocomplete' ? -1 : 1))
    .map((c) => c.name);
}

export function quoteId(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

export interface MysqlSourceOptions {
  url: string;
  /** Pins the database (else the URL's, else auto-detection). */
  database?: string;
  /** MYSQL_PWD, when the URL has no password. */
  envPassword?: string;
  /** Keeps only species for which this returns true. */
  speciesFilter?: (species: string) => boolean;
  connectTimeoutMs?: number;
}

export class MysqlSource implements RowSource {
  readonly source: SnapshotSource;
  readonly speciesTotal: number;
  readonly speciesList: readonly string[];
  rowsRead = 0;
  /** The server's id for our connection (what `KILL` takes). */
  readonly threadId: number | null;
  private readonly connection: Connection;
  private readonly where: string;
  private readonly table: string;
  private readonly hint: string;
  /** The species kept, as the table spells them, or null for all. */
  private readonly kept: string[] | null;
  private stream: Readable | null = null;

  private constructor(init: { connection: Connection; where: string; database: string; species: string[]; table: string; hint: string; kept: string[] | null }) {
    this.connection = init.connection;
    this.where = init.where;
    this.table = init.table;
    this.hint = init.hint;
    this.kept = init.kept;
    this.speciesTotal = init.species.length;
    this.speciesList = [...new Set(init.species.map((s) => s.toLowerCase()))];
    this.threadId = init.connection.threadId;
    this.source = { kind: 'mysql', database: init.database, release: releaseOf(init.database) };
  }

  static async open(options: MysqlSourceOptions): Promise<MysqlSource> {
    const { connection, target, where } = await openSession(options, (error, at) => classifyMysqlError(error, 'connect', at));
    try {
      const database = options.database ?? target.database ?? (await detectDatabase(connection, where));
      const table = `${quoteId(database)}.gene_autocomplete`;
      const found = await query(
        connection,
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = 'gene_autocomplete'",
        [database],
      );
      if (!Number(found[0]?.n)) throw new RefreshError('no-table', `${database} on ${where} has no gene_autocomplete table`);

      const speciesRows = await query(connection, {
        sql: `SELECT DISTINCT species FROM ${table} WHERE species IS NOT NULL`,
        rowsAsArray: true,
      });
      const allSpecies = speciesRows.map((row) => String(row[0]));
      const species = options.speciesFilter ? allSpecies.filter((s) => options.speciesFilter!(s.toLowerCase())) : allSpecies;

      const index = await speciesIndex(connection, database);
      const hint = index ? ` FORCE INDEX (${quoteId(index)})` : '';
      return new MysqlSource({ connection, where, database, species, table, hint, kept: options.speciesFilter ? species : null });
    } catch (error) {
      connection.destroy();
      throw classifyMysqlError(error, 'query', where);
    }
  }

  /** A WHERE condition for the kept species, or for `names` of them. */
  private whereSpecies(names?: readonly string[]): { sql: string; values: string[] } {
    const list = names ?? this.kept;
    if (!list) return { sql: 'species IS NOT NULL', values: [] };
    return list.length ? { sql: `species IN (${list.map(() => '?').join(', ')})`, values: [...list] } : { sql: 'FALSE', values: [] };
  }

  /**
   * One scan on the server: per species (or per species of `only`), its row count and the sum
   * of its rows' values (input-hash.ts), grouped by the table's collation and merged here by
   * lower-case name, as the stream groups them.
   */
  async summarize(only?: readonly string[]): Promise<Map<string, SpeciesSummary>> {
    const { sql: condition, values } = this.whereSpecies(only);
    const summaries = new Map<string, { names: string[]; sum: FingerprintSum }>();
    try {
      const rows = await query(
        this.connection,
        { sql: `SELECT species, COUNT(*), SUM(${valueSql(ROW_TEXT_SQL)}) FROM ${this.table} WHERE ${condition} GROUP BY species`, rowsAsArray: true },
        values,
      );
      for (const [name, count, sum] of rows) {
        const species = String(name).toLowerCase();
        let summary = summaries.get(species);
        if (!summary) summaries.set(species, (summary = { names: [], sum: new FingerprintSum() }));
        summary.names.push(String(name));
        summary.sum.addAll({ count: Number(count), sum: BigInt(String(sum ?? 0)) });
      }
    } catch (error) {
      throw classifyMysqlError(error, 'query', this.where);
    }
    return new Map([...summaries].map(([species, { names, sum }]) => [species, { names, fingerprint: sum.fingerprint }]));
  }

  /** Streams the rows as species groups; `maxQueued` groups wait at most before the socket pauses. */
  groups(maxQueued = 1, only?: readonly string[]): AsyncIterable<SpeciesRows> {
    const { sql: condition, values } = this.whereSpecies(only);
    const sql = `SELECT species, stable_id, display_label, location FROM ${this.table}${this.hint} WHERE ${condition} ORDER BY species`;
    const stream = streamQuery(this.connection, sql, values);
    this.stream = stream;
    return groupStream(stream, maxQueued, (n) => (this.rowsRead += n), (error) => classifyMysqlError(error, 'stream', this.where));
  }

  async close(): Promise<void> {
    this.stream?.destroy();
    this.connection.destroy();
  }
}

/**
 * Calls `fail` once when the connection errors or ends, until the returned function stops
 * listening. mysql2 does not end or fail a query whose connection drops (a KILL, a server
 * restart): only the connection hears of it.
 */
export function whenConnectionLost(connection: Connection, fail: (error: Error) => void): () => void {
  const lost = (error?: Error) => fail(error ?? Object.assign(new Error('the server closed the connection'), { code: 'PROTOCOL_CONNECTION_LOST' }));
  const onEnd = () => lost();
  connection.once('error', lost);
  connection.once('end', onEnd);
  return () => {
    connection.off('error', lost);
    connection.off('end', onEnd);
  };
}

/** A streaming query of arrays, failed when its connection drops. */
export function streamQuery(connection: Connection, sql: string, values: unknown[] = []): Readable {
  const stream = connection.query({ sql, values, rowsAsArray: true }).stream({ highWaterMark: 4096 });
  const stop = whenConnectionLost(connection, (error) => {
    if (!stream.destroyed) stream.destroy(error);
  });
  stream.once('close', stop);
  return stream;
}

async function detectDatabase(connection: Connection, where: string): Promise<string> {
  const names: string[] = [];
  for (const pattern of ['ensembl\\_autocomplete\\_%', 'ensembl\\_website\\_%']) {
    const rows = await query(connection, { sql: 'SHOW DATABASES LIKE ?', rowsAsArray: true }, [pattern]);
    names.push(...rows.map((row) => String(row[0])));
  }
  const candidates = rankDatabases(names);
  for (const database of candidates) {
    const rows = await query(
      connection,
      "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = 'gene_autocomplete'",
      [database],
    );
    if (Number(rows[0]?.n)) return database;
  }
  throw new RefreshError(
    'no-table',
    candidates.length
      ? `none of ${candidates.length} ensembl_autocomplete_NNN / ensembl_website_NNN databases on ${where} has a gene_autocomplete table`
      : `no ensembl_autocomplete_NNN or ensembl_website_NNN database on ${where}`,
  );
}

/** The index whose leading columns are (species, display_label), else any led by species. */
async function speciesIndex(connection: Connection, database: string): Promise<string | null> {
  const rows = await query(
    connection,
    `SELECT index_name AS name, seq_in_index AS seq, column_name AS col FROM information_schema.statistics
      WHERE table_schema = ? AND table_name = 'gene_autocomplete' ORDER BY index_name, seq_in_index`,
    [database],
  );
  const columns = new Map<string, string[]>();
  for (const row of rows) {
    const name = String(row.name);
    if (!columns.has(name)) columns.set(name, []);
    columns.get(name)![Number(row.seq) - 1] = String(row.col).toLowerCase();
  }
  let fallback: string | null = null;
  for (const [name, cols] of columns) {
    if (cols[0] !== 'species') continue;
    if (cols[1] === 'display_label') return name;
    fallback ??= name;
  }
  return fallback;
}

/**
 * Groups an object-mode stream of `[species, stable_id, display_label, location]` arrays,
 * ordered by species, without an await per row. Pauses the stream while `maxQueued` finished
 * groups wait for the consumer. The groups carry no fingerprint: the server computes it
 * (summarize).
 */
export async function* groupStream(
  stream: Readable,
  maxQueued: number,
  onRows: (n: number) => void,
  mapError: (error: unknown) => Error,
): AsyncGenerator<SpeciesRows> {
  const queue: SpeciesRows[] = [];
  const seen = new Set<string>();
  let current: SpeciesRows | null = null;
  let pending = 0;
  let finished = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  stream.on('data', (row: unknown[]) => {
    if (failure) return;
    const species = String(row[0]).toLowerCase();
    if (species !== current?.species) {
      if (current) {
        queue.push(current);
        if (queue.length >= maxQueued) stream.pause();
        notify();
      }
      if (seen.has(species)) {
        failure = new RefreshError('source-failed', `rows are not ordered by species: ${species} appears twice (was the table changed during the refresh?)`);
        stream.destroy();
        notify();
        return;
      }
      seen.add(species);
      current = { species, rows: [], fingerprint: null };
    }
    current.rows.push({
      stableId: row[1] == null ? '' : String(row[1]),
      label: row[2] == null ? null : String(row[2]),
      location: row[3] == null ? null : String(row[3]),
    });
    if (++pending === 4096) {
      onRows(pending);
      pending = 0;
    }
  });
  stream.on('end', () => {
    onRows(pending);
    pending = 0;
    if (current) queue.push(current);
    current = null;
    finished = true;
    notify();
  });
  stream.on('error', (error) => {
    failure ??= mapError(error);
    notify();
  });
  stream.on('close', () => {
    if (!finished) failure ??= mapError(Object.assign(new Error('connection closed before the last row'), { code: 'PROTOCOL_CONNECTION_LOST' }));
    notify();
  });

  try {
    for (;;) {
      if (failure) throw failure;
      const group = queue.shift();
      if (group) {
        if (queue.length < maxQueued && stream.isPaused() && !finished) stream.resume();
        yield group;
        continue;
      }
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    if (!finished) stream.destroy();
  }
}
