/**
 * `npm start`: serves the worker through `wrangler dev` on http://127.0.0.1:8787 (PORT
 * overrides), with local R2 seeded from a snapshot directory: SNAPSHOT_DIR if set, else the
 * embedded sample (data/public.tsv.gz, all 19 species) built by the project's own builder.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keys } from '../snapshot/format.ts';
import { ensureSampleSnapshot } from './sample-snapshot.ts';
import { seedLocalR2 } from './seed-local-r2.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

const dir = process.env.SNAPSHOT_DIR ? resolve(process.env.SNAPSHOT_DIR) : await ensureSampleSnapshot();
if (!existsSync(resolve(dir, keys.pointer))) {
  console.error(`${dir} holds no snapshot (no ${keys.pointer}); write one with: npm run snapshot -- --out ${dir}`);
  process.exit(1);
}
const seeded = await seedLocalR2(dir);
console.log(`seeded local R2 with ${seeded} objects from ${dir}`);

const port = process.env.PORT ?? '8787';
const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  DO_NOT_TRACK: '1',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
};
const wrangler = spawn('npx', ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', port, '--inspector-port', '0', ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => wrangler.kill(signal));
wrangler.on('exit', (code) => process.exit(code ?? 0));
