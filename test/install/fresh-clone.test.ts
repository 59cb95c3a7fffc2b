/**
 * The README's commands in a fresh clone, run as a newcomer runs them: `npm ci` with the
 * machine's own Node first on PATH (on this machine kind an end-of-life Node 20, older than
 * the project's), then `npm run snapshot` (the native xz encoder must be there) and
 * `npm start`. The clone must stay clean: `npm ci` rewrites nothing that is committed.
 *
 * Slow (a full `npm ci` against the npm registry, served mostly from npm's cache): a minute
 * or two. The clone is of HEAD: uncommitted changes are not what it checks.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

/** The environment of a plain shell: no npm script variables and no node_modules/.bin on PATH. */
function plainEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(npm_|INIT_CWD$|NODE$|NODE_OPTIONS$|VITEST|TEST$)/i.test(name)) env[name] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => !/node_modules[\\/]\.bin$|node-gyp-bin$/.test(dir))
    .join(delimiter);
  return env;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const env = plainEnv();
let clone: string;
let out: string;
let started: ChildProcess | undefined;

beforeAll(async () => {
  clone = await mkdtemp(join(tmpdir(), 'ea-clone-'));
  out = await mkdtemp(join(tmpdir(), 'ea-clone-snapshot-'));
  await exec('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone]);
});

afterAll(async () => {
  if (started?.pid && started.exitCode === null) process.kill(-started.pid, 'SIGTERM');
  await Promise.all([clone, out].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('a fresh clone with the machine’s own Node', () => {
  it('npm ci installs everything, on the project’s own Node, and leaves the tree clean', async () => {
    const system = (await exec('node', ['--version'], { env })).stdout.trim();
    const install = await exec('npm', ['ci', '--no-audit', '--no-fund'], { cwd: clone, env, maxBuffer: 64 << 20 });
    expect(install.stdout + install.stderr).not.toMatch(/ERR!/);
    // npm scripts run on the pinned Node, whatever the machine has.
    const scriptNode = (await exec('npm', ['exec', '--', 'node', '--version'], { cwd: clone, env })).stdout.trim();
    expect(scriptNode, `system Node ${system}`).toMatch(/^v(2[2-9]|[3-9]\d)\./);
    expect(existsSync(join(clone, 'snapshot/xz-decompress.wasm'))).toBe(true);
    expect((await exec('git', ['status', '--porcelain'], { cwd: clone })).stdout).toBe('');
  }, 600_000);

  it('npm run snapshot compresses with the native encoder', async () => {
    const result = await exec('npm', ['run', 'snapshot', '--', '--tsv', 'data/public.tsv.gz', '--species', 'mus_*', '--out', out, '--no-progress'], {
      cwd: clone,
      env,
    });
    expect(result.stderr).toMatch(/published \S+ to .*: 1 species/);
    expect(await readdir(out)).toContain('current.json');
  }, 300_000);

  it('npm start serves the sample snapshot', async () => {
    const port = await freePort();
    started = spawn('npm', ['start'], { cwd: clone, env: { ...env, PORT: String(port) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    started.stdout!.on('data', (chunk) => (log += chunk));
    started.stderr!.on('data', (chunk) => (log += chunk));
    const url = `http://127.0.0.1:${port}/gene_suggest?query=brc&species=homo_sapiens`;
    let labels: string[] = [];
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline && started.exitCode === null) {
      try {
        const response = await fetch(url);
        if (response.ok) {
          labels = (await response.json()) as string[];
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(labels.slice(0, 4), log).toEqual(['BRCA1', 'BRCA2', 'BRCC3', 'BRCC3P1']);
    expect((await exec('git', ['status', '--porcelain'], { cwd: clone })).stdout).toBe('');
  }, 300_000);
});
