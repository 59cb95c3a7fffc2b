/**
 * End to end: Ensembl-shaped MariaDB → `npm run snapshot -- --out <dir>` (the real CLI) →
 * the deployable worker bundle in workerd, its R2 binding holding that directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.ts';
import { connectRoot, createGeneDatabase, DETECTION_LOCK_WAIT_S, dropDatabases, holdDetectionLock, type DetectionLock, insertRows, MYSQL_URL, publicTuples } from './support/mysql.ts';
import { buildWorkerBundle, startBundledWorker, type RunningWorker } from './support/worker-bundle.ts';

// A release number no real server has, so detection picks this database.
const database = `ensembl_autocomplete_${900 + Math.floor(Math.random() * 99)}`;
let dir: string;
let worker: RunningWorker | undefined;
let lock: DetectionLock | undefined;

beforeAll(async () => {
  lock = await holdDetectionLock();
  const conn = await connectRoot();
  try {
    await createGeneDatabase(conn, database);
    await insertRows(conn, database, await publicTuples((s) => s === 'homo_sapiens' || s === 'mus_musculus'));
  } finally {
    await conn.end();
  }
  dir = await mkdtemp(join(tmpdir(), 'ea-e2e-'));
}, 120_000 + DETECTION_LOCK_WAIT_S * 1000);

afterAll(async () => {
  await worker?.close();
  const conn = await connectRoot();
  await dropDatabases(conn, [database]).finally(() => conn.end());
  await lock?.release();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('MySQL → --out dir → worker', () => {
  it('refreshes from MariaDB and the worker answers the classic query from that directory', async () => {
    const result = await runCli(['--mysql', `${MYSQL_URL}${database}`, '--out', dir, '--json', '--no-progress']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ source: { kind: 'mysql', database } });

    worker = await startBundledWorker(await buildWorkerBundle(), dir);
    const response = await fetch(`${worker.url}/autocomplete?species=homo_sapiens&q=BRC`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { suggestions: { label: string }[]; snapshot: string };
    expect(body.suggestions.map((s) => s.label)).toEqual(['BRCA1', 'BRCA2', 'BRCC3', 'BRCC3P1']);
    expect(body.snapshot).toBe(summary.version);
  }, 120_000);
});
