/**
 * Core data against the real MariaDB of this machine: an `ensembl_autocomplete_NNN` database
 * (human and mouse labels) beside a human core database of the same release, loaded from the
 * real sample in Ensembl's core schema. Detection, a species without core data, --no-core,
 * --core-db, and a core database killed or missing: the pointer stays untouched.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema, pointerSchema } from '../../snapshot/format.ts';
import { MysqlCoreSource } from '../../snapshot/refresh/core-mysql.ts';
import { EXIT, RefreshError } from '../../snapshot/refresh/errors.ts';
import { FAST_XZ, runCli, startCli } from '../support/cli.ts';
import { connectRoot, createCoreDatabase, createGeneDatabase, DETECTION_LOCK_WAIT_S, dropDatabases, holdDetectionLock, type DetectionLock, insertRows, MYSQL_URL, publicTuples } from '../support/mysql.ts';
import { readSpecies } from '../support/read-snapshot.ts';

// A release no real server has, so nothing else on the server competes with these databases.
const RELEASE = 900 + Math.floor(Math.random() * 90);
const LABELS = `ensembl_autocomplete_${RELEASE}`;
const CORE = `homo_sapiens_core_${RELEASE}_38`;
/** The same core data under another release: found only when pinned. */
const PINNED = `homo_sapiens_core_${RELEASE + 1}_38`;
const TABLES = ['meta', 'coord_system', 'seq_region', 'external_db', 'xref', 'external_synonym', 'object_xref', 'biotype', 'gene'];

let root: mysql.Connection;
let work: string;
let lock: DetectionLock | undefined;

beforeAll(async () => {
  lock = await holdDetectionLock();
  root = await connectRoot();
  work = await mkdtemp(join(tmpdir(), 'refresh-core-'));
  await createGeneDatabase(root, LABELS);
  await insertRows(root, LABELS, await publicTuples((s) => s === 'homo_sapiens' || s === 'mus_musculus'));
  await createCoreDatabase(root, CORE);
}, 120_000 + DETECTION_LOCK_WAIT_S * 1000);

afterAll(async () => {
  await dropDatabases(root, [LABELS, CORE, PINNED]);
  await root.end();
  await lock?.release();
  await rm(work, { recursive: true, force: true });
});

async function published(dir: string) {
  const pointer = pointerSchema.parse(JSON.parse(await readFile(join(dir, 'current.json'), 'utf8')));
  const manifest = manifestSchema.parse(JSON.parse(await readFile(join(dir, pointer.manifest), 'utf8')));
  const species = (name: string) => readSpecies(async (key) => new Uint8Array(await readFile(join(dir, key))), name, manifest.species[name]!);
  return { pointer, manifest, species };
}

/** Moves the core tables between two databases (MyISAM renames are instant). */
async function moveCore(from: string, to: string): Promise<void> {
  await root.query(`CREATE DATABASE IF NOT EXISTS \`${to}\``);
  await root.query(`RENAME TABLE ${TABLES.map((t) => `\`${from}\`.\`${t}\` TO \`${to}\`.\`${t}\``).join(', ')}`);
  await root.query(`DROP DATABASE \`${from}\``);
}

const refreshArgs = (out: string, ...more: string[]) => ['--mysql', `${MYSQL_URL}${LABELS}`, '--out', out, '--no-progress', ...FAST_XZ, ...more];

describe('core databases', () => {
  it('reads the core database of the same release; a species without one keeps its labels only', async () => {
    const out = join(work, 'detected');
    const result = await runCli(refreshArgs(out, '--json'));
    expect(result.code, result.stderr).toBe(EXIT.OK);
    const { manifest, species } = await published(out);
    expect(manifest.species.homo_sapiens!.core).toEqual({ source: CORE });
    expect(manifest.species.mus_musculus!.core).toBeNull();
    const summary = JSON.parse(result.stdout);
    expect(summary.totals).toMatchObject({ species: 2, with_core: 1 });
    expect(summary.species.find((s: { species: string }) => s.species === 'homo_sapiens').core).toBe(CORE);
    expect(result.stderr).toMatch(/core data: 1 species with synonyms and biotypes, 1 with labels only/);

    const human = await species('homo_sapiens');
    const her2 = await human.search('HER2');
    expect(her2.suggestions[0]).toMatchObject({ label: 'ERBB2', biotype: 'protein_coding', match: { kind: 'synonym', text: 'HER2' } });
    // Mouse answers as before: by label and stable ID, no synonyms.
    const mouse = await species('mus_musculus');
    const brca = (await mouse.search('Brca')).suggestions.filter((s) => s.match.kind !== 'typo');
    expect(brca.map((s) => s.label)).toEqual(['Brca1', 'Brca2']);
    expect((await mouse.search('ENSMUSG00000017146')).suggestions[0]).toMatchObject({ label: 'Brca1', match: { kind: 'stable_id' } });
  }, 120_000);

  it('--no-core publishes labels only', async () => {
    const out = join(work, 'no-core');
    const result = await runCli(refreshArgs(out, '--no-core'));
    expect(result.code, result.stderr).toBe(EXIT.OK);
    const { manifest, species } = await published(out);
    expect(Object.values(manifest.species).map((e) => e.core)).toEqual([null, null]);
    const her2 = await (await species('homo_sapiens')).search('HER2');
    expect(her2.total).toBe(0);
  }, 120_000);

  it('--core-db pins a database that detection would not choose', async () => {
    await moveCore(CORE, PINNED);
    try {
      const unpinned = join(work, 'unpinned');
      const none = await runCli(refreshArgs(unpinned));
      expect(none.code, none.stderr).toBe(EXIT.OK);
      expect((await published(unpinned)).manifest.species.homo_sapiens!.core).toBeNull();

      const pinned = join(work, 'pinned');
      const result = await runCli(refreshArgs(pinned, '--core-db', `homo_sapiens=${PINNED}`));
      expect(result.code, result.stderr).toBe(EXIT.OK);
      expect((await published(pinned)).manifest.species.homo_sapiens!.core).toEqual({ source: PINNED });

      const missing = await runCli(refreshArgs(join(work, 'missing'), '--core-db', 'homo_sapiens=homo_sapiens_core_1_1'));
      expect(missing.code, missing.stderr).toBe(EXIT.CORE_FAILED);
      expect(missing.stderr).toMatch(/--core-db homo_sapiens=homo_sapiens_core_1_1: no such database/);
    } finally {
      await moveCore(PINNED, CORE);
    }
  }, 120_000);

  it('rebuilds a species when its core data changes, and only then; reads nothing when nothing changed', async () => {
    const out = join(work, 'incremental');
    const run = async () => {
      const result = await runCli(refreshArgs(out, '--json'));
      expect(result.code, result.stderr).toBe(EXIT.OK);
      const summary = JSON.parse(result.stdout) as { totals: { reused: number; rows_read: number }; species: { species: string; reused: boolean }[] };
      return { totals: summary.totals, rebuilt: summary.species.filter((s) => !s.reused).map((s) => s.species), stderr: result.stderr };
    };
    expect((await run()).rebuilt).toEqual(['homo_sapiens', 'mus_musculus']);
    const same = await run();
    expect(same).toMatchObject({ rebuilt: [], totals: { reused: 2, rows_read: 0 } });
    expect(same.stderr).toMatch(/compare: 2 species unchanged, 0 to read/);

    const core = `\`${CORE}\``;
    const [[erbb2]] = await root.query<mysql.RowDataPacket[]>(`SELECT display_xref_id AS xref, biotype FROM ${core}.gene WHERE stable_id = 'ENSG00000141736'`);
    const changes: [string, string, () => Promise<void>][] = [
      ['a synonym added', `INSERT INTO ${core}.external_synonym (xref_id, synonym) VALUES (${Number(erbb2!.xref)}, 'ZZHER9')`, async () => {
        const human = await (await published(out)).species('homo_sapiens');
        expect((await human.search('ZZHER9')).suggestions[0]).toMatchObject({ label: 'ERBB2', match: { kind: 'synonym' } });
      }],
      ['a synonym removed', `DELETE FROM ${core}.external_synonym WHERE xref_id = ${Number(erbb2!.xref)} AND synonym = 'HER2'`, async () => {
        const human = await (await published(out)).species('homo_sapiens');
        expect((await human.search('HER2')).suggestions.filter((h) => h.match.kind === 'synonym' && h.match.text === 'HER2')).toEqual([]);
      }],
      ['a biotype', `UPDATE ${core}.gene SET biotype = 'lncRNA' WHERE stable_id = 'ENSG00000141736'`, async () => {
        const human = await (await published(out)).species('homo_sapiens');
        expect((await human.search('ERBB2')).suggestions[0]).toMatchObject({ label: 'ERBB2', biotype: 'lncRNA' });
      }],
      ['a biotype group', `UPDATE ${core}.biotype SET biotype_group = 'pseudogene' WHERE name = 'lncRNA' AND object_type = 'gene'`, async () => {}],
      ['the display xref', `UPDATE ${core}.gene SET display_xref_id = NULL WHERE stable_id = 'ENSG00000141736'`, async () => {
        const human = await (await published(out)).species('homo_sapiens');
        expect((await human.search('ZZHER9')).total).toBe(0);
      }],
    ];
    try {
      for (const [what, sql, check] of changes) {
        await root.query(sql);
        const changed = await run();
        expect(changed.rebuilt, what).toEqual(['homo_sapiens']);
        expect(changed.stderr, what).toMatch(/compare: 1 species unchanged, 1 to read/);
        await check();
      }
      expect((await run()).rebuilt).toEqual([]);
    } finally {
      await root.query(`UPDATE ${core}.gene SET biotype = ?, display_xref_id = ? WHERE stable_id = 'ENSG00000141736'`, [erbb2!.biotype, erbb2!.xref]);
      await root.query(`UPDATE ${core}.biotype SET biotype_group = 'lnoncoding' WHERE name = 'lncRNA' AND object_type = 'gene'`);
      await root.query(`DELETE FROM ${core}.external_synonym WHERE xref_id = ${Number(erbb2!.xref)} AND synonym = 'ZZHER9'`);
      await root.query(`INSERT IGNORE INTO ${core}.external_synonym (xref_id, synonym) VALUES (${Number(erbb2!.xref)}, 'HER2')`);
    }
  }, 180_000);

  it('leaves the pointer untouched and exits 15 when the core query is killed while it runs', async () => {
    const out = join(work, 'killed');
    const first = await runCli(refreshArgs(out));
    expect(first.code, first.stderr).toBe(EXIT.OK);
    const before = await readFile(join(out, 'current.json'));

    // Hold the core queries at the gene table (every one of them reads it), then kill their
    // connection there. Nothing changed, so this is the core fingerprint the refresh compares.
    const locker = await connectRoot();
    try {
      await locker.query(`LOCK TABLES \`${CORE}\`.gene WRITE`);
      const cli = startCli(refreshArgs(out));
      let thread: number | undefined;
      for (let i = 0; i < 200 && thread === undefined; i++) {
        const [rows] = await root.query<mysql.RowDataPacket[]>(
          'SELECT id FROM information_schema.processlist WHERE info LIKE ? AND id <> CONNECTION_ID()',
          [`%\`${CORE}\`.gene %`],
        );
        thread = rows[0]?.id;
        if (thread === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      expect(thread, 'the core query reached the server').toBeDefined();
      await root.query(`KILL ${Number(thread)}`);
      await locker.query('UNLOCK TABLES');
      const result = await cli.done;
      expect(result.code, result.stderr).toBe(EXIT.CORE_FAILED);
      expect(result.stderr).toMatch(/core data from .*homo_sapiens_core_\d+_38/);
    } finally {
      await locker.query('UNLOCK TABLES').catch(() => {});
      await locker.end();
    }
    expect(await readFile(join(out, 'current.json'))).toEqual(before);
  }, 120_000);

  it('fails the read of core data whose connection is killed while the rows come', async () => {
    const source = await MysqlCoreSource.open({ url: MYSQL_URL, release: RELEASE });
    const locker = await connectRoot();
    try {
      // The synonyms query waits for the gene table; kill the core connection there.
      await locker.query(`LOCK TABLES \`${CORE}\`.gene WRITE`);
      const reading = source.lookup('homo_sapiens');
      reading.catch(() => {});
      let thread: number | undefined;
      for (let i = 0; i < 200 && thread === undefined; i++) {
        const [rows] = await root.query<mysql.RowDataPacket[]>('SELECT id FROM information_schema.processlist WHERE info LIKE ? AND id <> CONNECTION_ID()', [
          `SELECT s.xref_id, s.synonym FROM \`${CORE}\`.external_synonym%`,
        ]);
        thread = rows[0]?.id;
        if (thread === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      expect(thread, 'the synonyms query reached the server').toBe(source.threadId);
      await root.query(`KILL ${Number(thread)}`);
      await locker.query('UNLOCK TABLES');
      const error = await reading.then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(RefreshError);
      expect(error).toMatchObject({ kind: 'core-failed', exitCode: EXIT.CORE_FAILED });
      expect((error as Error).message).toMatch(new RegExp(`core data from .*/${CORE}`));
    } finally {
      await locker.query('UNLOCK TABLES').catch(() => {});
      await locker.end();
      await source.close();
    }
  });
});
