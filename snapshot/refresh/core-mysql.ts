/**
 * Synonyms and biotypes from Ensembl's core databases (`<species>_core_<release>_<assembly>`),
 * on the server that holds the autocomplete table, over a connection of their own: the label
 * stream keeps its connection while a species' core rows are read. One species at a time, its
 * rows streamed.
 */
import type { Connection } from 'mysql2';
import { RefreshError } from './errors.ts';
import { CoreDataBuilder, type CoreSource, type SpeciesCore } from './core-data.ts';
import { CORE_TEXT_SQL, valueSql, type Fingerprint } from './input-hash.ts';
import { classifyMysqlError, openSession, query, quoteId, whenConnectionLost } from './mysql-source.ts';

const CORE_PATTERN = /^([a-z0-9_]+?)_core_(\d+)_(\w+)$/;

export interface CoreDatabase {
  name: string;
  species: string;
  release: number;
}

/** Parses `homo_sapiens_core_115_38`; null for other names. */
export function parseCoreDatabase(name: string): CoreDatabase | null {
  const m = CORE_PATTERN.exec(name);
  return m ? { name, species: m[1]!, release: Number(m[2]) } : null;
}

/**
 * The core database of `species` among `names`: of `release` when it is known, else the
 * newest; of several at one release (assemblies), the last by name.
 */
export function chooseCoreDatabase(names: readonly string[], species: string, release: number | null): string | null {
  const candidates = names
    .map(parseCoreDatabase)
    .filter((c): c is CoreDatabase => c !== null && c.species === species && (release === null || c.release === release))
    .sort((a, b) => a.release - b.release || (a.name < b.name ? -1 : 1));
  return candidates.at(-1)?.name ?? null;
}

/**
 * The join of the data README (each current gene, its biotype and group, and the synonyms of
 * its display xref), as three reads joined here: the biotype groups, the synonyms of current
 * genes' display xrefs, then the genes. A four-table join costs MariaDB an index lookup per
 * gene and per synonym: ~2.5x the time of these scans.
 */
const BIOTYPES_SQL = (db: string) => `SELECT name, biotype_group FROM ${quoteId(db)}.biotype WHERE object_type = 'gene'`;
const SYNONYMS_SQL = (db: string) => `SELECT s.xref_id, s.synonym FROM ${quoteId(db)}.external_synonym s
  WHERE s.xref_id IN (SELECT display_xref_id FROM ${quoteId(db)}.gene WHERE is_current = 1)`;
const GENES_SQL = (db: string) => `SELECT stable_id, biotype, display_xref_id FROM ${quoteId(db)}.gene WHERE is_current = 1 AND stable_id IS NOT NULL`;

/**
 * The fingerprint of what those three reads return (input-hash.ts), summed by the server: the
 * same rows, counted and their values added, in one statement.
 */
const FINGERPRINT_SQL = (db: string) => {
  const d = quoteId(db);
  return [
    `SELECT COUNT(*), SUM(${valueSql(CORE_TEXT_SQL.biotype)}) FROM ${d}.biotype WHERE object_type = 'gene'`,
    `SELECT COUNT(*), SUM(${valueSql(CORE_TEXT_SQL.gene)}) FROM ${d}.gene WHERE is_current = 1 AND stable_id IS NOT NULL`,
    `SELECT COUNT(*), SUM(${valueSql(CORE_TEXT_SQL.synonym)}) FROM ${d}.external_synonym WHERE xref_id IN (SELECT display_xref_id FROM ${d}.gene WHERE is_current = 1)`,
  ].join(' UNION ALL ');
};

export interface MysqlCoreOptions {
  url: string;
  envPassword?: string;
  /** Release of the autocomplete database; null: take each species' newest. */
  release: number | null;
  /** species → database, overriding detection. */
  pinned?: ReadonlyMap<string, string>;
  connectTimeoutMs?: number;
}

export class MysqlCoreSource implements CoreSource {
  readonly description: string;
  /** The server's id for our connection (what `KILL` takes). */
  readonly threadId: number | null;
  private readonly connection: Connection;
  private readonly databases: string[];
  private readonly options: MysqlCoreOptions;
  private readonly where: string;

  private constructor(connection: Connection, databases: string[], options: MysqlCoreOptions, where: string) {
    this.connection = connection;
    this.databases = databases;
    this.options = options;
    this.where = where;
    this.threadId = connection.threadId;
    this.description = `core databases on ${where}${options.release === null ? ' (newest)' : ` (release ${options.release})`}`;
  }

  static async open(options: MysqlCoreOptions): Promise<MysqlCoreSource> {
    const { connection, where } = await openSession(options, (error, at) => coreError(error, 'connect', at));
    try {
      const rows = await query(connection, { sql: 'SHOW DATABASES LIKE ?', rowsAsArray: true }, ['%\\_core\\_%']);
      return new MysqlCoreSource(connection, rows.map((r) => String(r[0])), options, where);
    } catch (error) {
      connection.destroy();
      throw coreError(error, 'query', where);
    }
  }

  /** The database a species' core data would be read from, or null. */
  databaseOf(species: string): string | null {
    return this.options.pinned?.get(species) ?? chooseCoreDatabase(this.databases, species, this.options.release);
  }

  /** The database to read, or null; a pinned one that does not exist is an error. */
  private databaseFor(species: string): string | null {
    const database = this.databaseOf(species);
    if (database && this.options.pinned?.has(species) && !this.databases.includes(database)) {
      throw new RefreshError('core-failed', `--core-db ${species}=${database}: no such database on ${this.where}`);
    }
    return database;
  }

  async fingerprint(species: string): Promise<{ source: string; fingerprint: Fingerprint } | null> {
    const database = this.databaseFor(species);
    if (!database) return null;
    let count = 0;
    let sum = 0n;
    try {
      for (const [n, s] of await query(this.connection, { sql: FINGERPRINT_SQL(database), rowsAsArray: true })) {
        count += Number(n);
        sum += BigInt(String(s ?? 0));
      }
    } catch (error) {
      throw coreError(error, 'stream', `${this.where}/${database}`);
    }
    return { source: database, fingerprint: { count, sum } };
  }

  async lookup(species: string): Promise<SpeciesCore | null> {
    const database = this.databaseFor(species);
    if (!database) return null;
    const core = new CoreDataBuilder();
    try {
      const groups = new Map<string, string | null>();
      await eachRow(this.connection, BIOTYPES_SQL(database), (row) => groups.set(row[0] as string, row[1] as string | null));
      const synonyms = new Map<number, string[]>();
      await eachRow(this.connection, SYNONYMS_SQL(database), (row) => {
        const list = synonyms.get(row[0] as number);
        if (list) list.push(row[1] as string);
        else synonyms.set(row[0] as number, [row[1] as string]);
      });
      await eachRow(this.connection, GENES_SQL(database), (row) => {
        const biotype = row[1] as string | null;
        const xref = row[2] as number | null;
        core.addGene(row[0] as string, biotype, (biotype !== null && groups.get(biotype)) || null, (xref !== null && synonyms.get(xref)) || NONE);
      });
    } catch (error) {
      throw coreError(error, 'stream', `${this.where}/${database}`);
    }
    return { source: database, data: core.genes, rows: core.rows, fingerprint: null };
  }

  async close(): Promise<void> {
    this.connection.destroy();
  }
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * Runs a query and calls `onRow` with each row (an array of the columns, strings and numbers
 * as mysql2 parses them) as it arrives: streamed, without a Readable's per-row cost. A core
 * species is held whole anyway, so the server needs no backpressure. A connection that drops
 * fails the read (whenConnectionLost).
 */
function eachRow(connection: Connection, sql: string, onRow: (row: unknown[]) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      stop();
      if (error) reject(error);
      else resolve();
    };
    const stop = whenConnectionLost(connection, finish);
    const query = connection.query({ sql, rowsAsArray: true });
    query.on('result', onRow as (row: unknown) => void);
    query.once('error', (error: Error) => finish(error));
    query.once('end', () => finish());
  });
}

function coreError(error: unknown, phase: 'connect' | 'query' | 'stream', where: string): RefreshError {
  if (error instanceof RefreshError) return error;
  const err = error as Error & { code?: string };
  const lost = phase === 'stream' && classifyMysqlError(error, phase, where).message.includes('lost while streaming');
  const detail = err.message || err.code || String(error);
  return new RefreshError('core-failed', `core data from ${where}${lost ? ': connection lost while streaming rows' : ''}: ${detail}`, { cause: error });
}
