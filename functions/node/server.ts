/**
 * The same Hono app as the worker, on @hono/node-server, for a container or a VM. Settings
 * come from the environment: everything in functions/config.ts, plus where the snapshot lives
 * (exactly one of SNAPSHOT_DIR, SNAPSHOT_URL, SNAPSHOT_S3_BUCKET) and where to listen.
 */
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { z } from 'zod';
import { nodeXzDecoder } from '../../snapshot/refresh/xz-node.ts';
import { createApp } from '../app.ts';
import { SnapshotCatalog } from '../catalog/catalog.ts';
import { httpSource, type SnapshotSource } from '../catalog/source.ts';
import { catalogOptions, ConfigError, parseConfig, type Config } from '../config.ts';
import { dirSource } from './dir-source.ts';
import { s3Source } from './s3-source.ts';
import type { S3StoreOptions } from '../../snapshot/refresh/s3-store.ts';

const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(blankToUndefined, z.string().optional());

/** Settings only the Node server has (the worker gets its snapshot from the R2 binding). */
export const nodeSettingsSchema = z.object({
  /** A local directory with the bucket layout (what `npm run snapshot -- --out DIR` writes). */
  SNAPSHOT_DIR: optionalString,
  /** An S3 / R2 bucket; credentials from the standard AWS environment or profile. */
  SNAPSHOT_S3_BUCKET: optionalString,
  /** S3-compatible endpoint, e.g. https://<account>.r2.cloudflarestorage.com. */
  SNAPSHOT_S3_ENDPOINT: z.preprocess(blankToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  /** Bucket region (default: AWS_REGION, or `auto` with an endpoint). */
  SNAPSHOT_S3_REGION: optionalString,
  PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65535).default(8787)),
  /** Interface to listen on; 0.0.0.0 in a container. */
  HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
});
export type NodeSettings = z.infer<typeof nodeSettingsSchema>;

export interface NodeAppOptions {
  /** Extra S3 client settings (tests: a local S3 server's credentials). */
  s3ClientConfig?: S3StoreOptions['clientConfig'];
  /** Replaces fetch for SNAPSHOT_URL (tests). */
  fetcher?: typeof fetch;
}

export interface NodeApp {
  app: ReturnType<typeof createApp>;
  catalog: SnapshotCatalog;
  config: Config;
  settings: NodeSettings;
  source: SnapshotSource;
  /** Releases the source's connections. */
  dispose(): void;
}

export function parseNodeSettings(env: Record<string, string | undefined>): NodeSettings {
  const result = nodeSettingsSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  return result.data;
}

/** The snapshot source the environment names; exactly one kind must be given. */
export function sourceFromEnv(config: Config, settings: NodeSettings, options: NodeAppOptions = {}): SnapshotSource & { destroy?(): void } {
  const given = [settings.SNAPSHOT_DIR && 'SNAPSHOT_DIR', config.SNAPSHOT_URL && 'SNAPSHOT_URL', settings.SNAPSHOT_S3_BUCKET && 'SNAPSHOT_S3_BUCKET'].filter(Boolean);
  if (given.length !== 1) {
    throw new ConfigError(
      given.length === 0
        ? 'no snapshot source: set SNAPSHOT_DIR (a directory), SNAPSHOT_URL (an HTTP base URL) or SNAPSHOT_S3_BUCKET (an S3 / R2 bucket)'
        : `set only one snapshot source, not ${given.join(' and ')}`,
    );
  }
  if (settings.SNAPSHOT_DIR) return dirSource(join(resolve(settings.SNAPSHOT_DIR), ...config.SNAPSHOT_PREFIX.split('/').filter(Boolean)));
  if (config.SNAPSHOT_URL) return httpSource(new URL(config.SNAPSHOT_PREFIX, config.SNAPSHOT_URL).href, options.fetcher);
  return s3Source({
    bucket: settings.SNAPSHOT_S3_BUCKET!,
    prefix: config.SNAPSHOT_PREFIX,
    endpoint: settings.SNAPSHOT_S3_ENDPOINT,
    region: settings.SNAPSHOT_S3_REGION,
    clientConfig: options.s3ClientConfig,
  });
}

/** Builds the app from environment variables (process.env in the CLI). Throws ConfigError. */
export function createNodeApp(env: Record<string, string | undefined>, options: NodeAppOptions = {}): NodeApp {
  const config = parseConfig(env);
  const settings = parseNodeSettings(env);
  const source = sourceFromEnv(config, settings, options);
  const catalog = new SnapshotCatalog(source, nodeXzDecoder(), catalogOptions(config));
  return { app: createApp({ catalog, config }), catalog, config, settings, source, dispose: () => source.destroy?.() };
}

export interface RunningServer extends NodeApp {
  server: ServerType;
  /** e.g. http://127.0.0.1:8787 */
  url: string;
  close(): Promise<void>;
}

/** Creates the app and listens on HOST:PORT (PORT=0 picks a free port). */
export async function startNodeServer(env: Record<string, string | undefined>, options: NodeAppOptions = {}): Promise<RunningServer> {
  const node = createNodeApp(env, options);
  const { HOST: hostname, PORT: port } = node.settings;
  let server: ServerType;
  const address = await new Promise<AddressInfo>((resolveListening, reject) => {
    server = serve({ fetch: node.app.fetch, hostname, port }, resolveListening);
    server.once('error', reject);
  });
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    ...node,
    server: server!,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((done, fail) => {
        server.close((error) => {
          node.dispose();
          if (error) fail(error);
          else done();
        });
        // Keep-alive connections would otherwise hold close() open.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
