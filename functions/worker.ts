/**
 * Cloudflare Workers entry. Everything that needs no I/O (settings, the xz decoder, the
 * catalog, the Hono app with its routes and schemas) is built at module scope, inside the
 * Workers startup budget rather than a request's CPU time, and the query path is warmed up
 * there on a tiny built-in species; the snapshot itself is read on
 * demand, from the R2 binding or, when SNAPSHOT_URL is set, over HTTP.
 */
import { env } from 'cloudflare:workers';
import xzWasm from '../snapshot/xz-decompress.wasm';
import { createXzDecoder } from '../snapshot/unxz.ts';
import { cacheApiAnswers } from './answer-cache.ts';
import { createApp } from './app.ts';
import { SnapshotCatalog } from './catalog/catalog.ts';
import { httpSource, r2Source } from './catalog/source.ts';
import { catalogOptions, ConfigError, parseConfig } from './config.ts';
import { ProblemError } from './problems.ts';
import { warmUp } from './warm-up.ts';

function build(): ReturnType<typeof createApp> | ConfigError {
  try {
    const config = parseConfig(env as unknown as Record<string, unknown>);
    const source = config.SNAPSHOT_URL ? httpSource(new URL(config.SNAPSHOT_PREFIX, config.SNAPSHOT_URL).href) : r2Source(env.SNAPSHOTS, config.SNAPSHOT_PREFIX);
    const xz = createXzDecoder(xzWasm);
    const catalog = new SnapshotCatalog(source, xz, catalogOptions(config));
    const app = createApp({ catalog, config, shared: cacheApiAnswers(caches.default) });
    // Hono builds its route matcher on the first match: build it here, then warm the query path.
    app.router.match('GET', '/autocomplete');
    warmUp(xz).catch((error: unknown) => console.error('warm-up failed; queries are unaffected', error));
    return app;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

const app = build();

export default {
  fetch(request, env, ctx) {
    if (app instanceof ConfigError) {
      console.error(app.message);
      return new ProblemError(500, 'the service is misconfigured; see its logs').toResponse();
    }
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
