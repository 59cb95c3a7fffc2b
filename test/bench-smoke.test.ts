/**
 * Smoke test of `npm run bench`: the cheapest section (sizes) in quick mode on a small
 * synthetic table, checking only the documented shape of --json. No timing assertions:
 * benchmarks report, they do not pass or fail.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = new URL('../scripts/bench/run.ts', import.meta.url).pathname;
let dir = '';

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm run bench -- --quick', () => {
  it('writes the documented JSON shape and a markdown table', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ea-bench-smoke-'));
    const out = join(dir, 'bench.json');
    const { stdout } = await run(
      process.execPath,
      [script, '--quick', '--only', 'sizes', '--synthetic-rows', '20000', '--data-dir', join(dir, 'data'), '--json', out],
      { maxBuffer: 16 << 20 },
    );
    expect(stdout).toContain('### 5. Sizes');
    expect(stdout).toContain('### Targets');
    const json = JSON.parse(await readFile(out, 'utf8'));
    expect(Object.keys(json)).toEqual(['machine', 'index', 'cold_start_ms', 'http', 'snapshot', 'sizes', 'targets']);
    expect(json.machine).toMatchObject({ cores: expect.any(Number), node: process.version, mode: 'quick' });
    // Sections not run are null; sizes has every public species with its sizes and chunks.
    expect(json.index).toBeNull();
    expect(json.sizes.public.species).toHaveLength(19);
    for (const species of json.sizes.public.species) {
      expect(species).toMatchObject({ species: expect.any(String), chunks: expect.any(Number), json_bytes: expect.any(Number), xz_bytes: expect.any(Number), gzip9_bytes: expect.any(Number) });
      expect(species.xz_bytes).toBeLessThan(species.json_bytes);
      expect(species.chunks).toBeGreaterThan(0);
    }
    expect(json.sizes.largest_synthetic.labels).toBeGreaterThan(0);
    expect(json.sizes.human_growth_xz).toBeGreaterThan(1);
    expect(Array.isArray(json.targets)).toBe(true);
    for (const target of json.targets) {
      expect(target).toEqual({ name: expect.any(String), value: expect.any(Number), target: expect.any(String), met: expect.any(Boolean) });
    }
  }, 90_000);
});
