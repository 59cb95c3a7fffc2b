/**
 * Every setting of the edge app, with its default, in one place. Values come from Workers
 * vars (wrangler.toml [vars] or the dashboard) or, for the Node server, from process.env;
 * both arrive as strings.
 */
import { z } from 'zod';
import type { CatalogOptions } from './catalog/catalog.ts';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const configSchema = z.object({
  /** Key prefix of the snapshot inside the bucket or base URL ('' = the root). */
  SNAPSHOT_PREFIX: z.string().default(''),
  /** Read the snapshot over HTTP(S) from this base URL instead of the R2 binding. */
  SNAPSHOT_URL: z.url({ protocol: /^https?$/ }).optional().or(z.literal('').transform(() => undefined)),
  /** Re-read the pointer at most this often (seconds): how fast a new snapshot goes live. */
  REFRESH_SECONDS: positiveInt(60),
  /** After a failed read, wait this long before trying again; also the Retry-After of a 503. */
  RETRY_SECONDS: positiveInt(10),
  /** Estimated heap for loaded species per isolate (MiB), well under the 128 MB isolate. */
  MEMORY_BUDGET_MB: positiveInt(64),
  DEFAULT_LIMIT: positiveInt(10),
  MAX_LIMIT: positiveInt(100),
  /** Serialized answers kept per isolate (MiB): a repeated question costs what its bytes cost. 0 turns answer caching off (here and in the Workers Cache API). */
  ANSWER_CACHE_MB: z.coerce.number().int().nonnegative().default(8),
  /** Cache-Control max-age of successful answers (seconds). */
  CACHE_MAX_AGE: z.coerce.number().int().nonnegative().default(300),
  /** `*` or a comma-separated list of allowed origins. */
  CORS_ORIGINS: z.string().default('*'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses settings, ignoring unrelated keys (bindings, other env vars). */
export function parseConfig(vars: Record<string, unknown>): Config {
  const known = Object.fromEntries(Object.keys(configSchema.shape).map((key) => [key, vars[key]]));
  const result = configSchema.safeParse(known);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  if (result.data.DEFAULT_LIMIT > result.data.MAX_LIMIT) {
    throw new ConfigError(`invalid configuration: DEFAULT_LIMIT (${result.data.DEFAULT_LIMIT}) exceeds MAX_LIMIT (${result.data.MAX_LIMIT})`);
  }
  return result.data;
}

/** The catalog's options as the settings give them. */
export function catalogOptions(config: Config): CatalogOptions {
  return {
    refreshSeconds: config.REFRESH_SECONDS,
    retrySeconds: config.RETRY_SECONDS,
    memoryBudgetBytes: config.MEMORY_BUDGET_MB * 1024 * 1024,
  };
}
