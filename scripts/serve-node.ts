/**
 * `npm run serve:node`: the same app as the worker on Node (@hono/node-server), reading the
 * snapshot from SNAPSHOT_DIR, SNAPSHOT_URL or SNAPSHOT_S3_BUCKET. With none of them set, it
 * serves the embedded sample (data/public.tsv.gz, 19 species), building it on first use.
 * Listens on HOST:PORT, default 127.0.0.1:8787. All settings: functions/node/server.ts and
 * functions/config.ts.
 */
import { ConfigError } from '../functions/config.ts';
import { startNodeServer } from '../functions/node/server.ts';
import { ensureSampleSnapshot } from './sample-snapshot.ts';

const env = { ...process.env };
if (!env.SNAPSHOT_DIR && !env.SNAPSHOT_URL && !env.SNAPSHOT_S3_BUCKET) {
  env.SNAPSHOT_DIR = await ensureSampleSnapshot();
  console.log(`no SNAPSHOT_DIR / SNAPSHOT_URL / SNAPSHOT_S3_BUCKET set: serving the sample snapshot in ${env.SNAPSHOT_DIR}`);
}

let running: Awaited<ReturnType<typeof startNodeServer>>;
try {
  running = await startNodeServer(env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}

console.log(`serving ${running.source.description} on ${running.url} (demo: ${running.url}/, API docs: ${running.url}/docs)`);
try {
  const { manifest } = await running.catalog.snapshot();
  console.log(`snapshot ${manifest.version}: ${Object.keys(manifest.species).length} species`);
} catch (error) {
  // Keep serving: the catalog retries every RETRY_SECONDS and /health says what is wrong.
  console.warn(`warning: ${(error as Error).message}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
