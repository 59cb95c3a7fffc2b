/**
 * Runs in Node before the workerd tests: builds two snapshot versions with the project's
 * builder (test/support/build-fixture.ts) and hands their objects to the tests, which cannot
 * run the native xz encoder inside workerd.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { TestProject } from 'vitest/node';

export interface SnapshotFixture {
  /** Every object of both versions, base64, keyed as in the bucket (pointer excluded). */
  objects: Record<string, string>;
  /** Pointer bodies (JSON text) of the first and the second version. */
  pointers: [string, string];
  versions: [string, string];
}

declare module 'vitest' {
  export interface ProvidedContext {
    snapshot: SnapshotFixture;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'ea-workers-'));
  const script = new URL('../support/build-fixture.ts', import.meta.url).pathname;
  const pointers = JSON.parse(execFileSync(process.execPath, [script, dir], { encoding: 'utf8' })) as [string, string];
  const objects: Record<string, string> = {};
  for (const entry of await readdir(join(dir, 'v'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    objects[relative(dir, path)] = (await readFile(path)).toString('base64');
  }
  project.provide('snapshot', {
    objects,
    pointers,
    versions: [JSON.parse(pointers[0]).version, JSON.parse(pointers[1]).version],
  });
  return () => rm(dir, { recursive: true, force: true });
}
