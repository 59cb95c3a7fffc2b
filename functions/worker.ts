/**
 * Cloudflare Workers entry: builds the app once per isolate, on the first request (no I/O in
 * global scope), reading the snapshot from the R2 binding or, when SNAPSHOT_URL is set, over
 * HTTP.
 */
import xzWasm from '../snapshot/xz-decompress.wasm';
import { createXzDecoder } from '../snapshot/unxz.ts';
import { createApp } from './app.ts';
import { SnapshotCatalog } from './catalog/catalog.ts';
import { httpSource, r2Source } from './catalog/source.ts';
import { catalogOptions, ConfigError, parseConfig } from './config.ts';
import { ProblemError } from './problems.ts';

let app: ReturnType<typeof createApp> | undefined;

function build(env: Env): ReturnType<typeof createApp> {
  const config = parseConfig(env as unknown as Record<string, unknown>);
  const source = config.SNAPSHOT_URL ? httpSource(new URL(config.SNAPSHOT_PREFIX, config.SNAPSHOT_URL).href) : r2Source(env.SNAPSHOTS, config.SNAPSHOT_PREFIX);
  const catalog = new SnapshotCatalog(source, createXzDecoder(xzWasm), catalogOptions(config));
  return createApp({ catalog, config });
}

export default {
  fetch(request, env, ctx) {
    try {
      app ??= build(env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(error.message);
      return new ProblemError(500, 'the service is misconfigured; see its logs').toResponse();
    }
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
