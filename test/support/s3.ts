/**
 * A real S3-compatible server on loopback for tests: s3rver on 127.0.0.1 with a random port and
 * a temporary directory. s3rver accepts the access key / secret `S3RVER` / `S3RVER` and
 * ignores If-Match / If-None-Match (tests check that we send them, not that it enforces them).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export const S3_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };

export interface TestS3 {
  endpoint: string;
  port: number;
  directory: string;
  /** Stops the server, keeping its files (start again with restart()). */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and removes its files. */
  close(): Promise<void>;
}

export async function startS3(buckets: string[], options: { port?: number; directory?: string } = {}): Promise<TestS3> {
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 's3rver-')));
  let server: S3rver;
  let port = options.port ?? 0;
  const start = async () => {
    server = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory,
      configureBuckets: buckets.map((name) => ({ name, configs: [] })),
    });
    const address = (await server.run()) as AddressInfo;
    port = address.port;
  };
  await start();
  let running = true;
  const stop = async () => {
    if (running) await server.close();
    running = false;
  };
  return {
    get endpoint() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    directory,
    stop,
    async restart() {
      await stop();
      await start();
      running = true;
    },
    async close() {
      await stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
