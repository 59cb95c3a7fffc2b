/**
 * A real S3-compatible server on loopback for tests: s3rver on 127.0.0.1 with a random port and
 * a temporary directory. s3rver accepts the access key / secret `S3RVER` / `S3RVER` and
 * ignores If-Match / If-None-Match (tests check that we send them, not that it enforces them).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import S3rver from 's3rver';

export const S3_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };

export interface TestS3 {
  endpoint: string;
  port: number;
  directory: string;
  /** Stops the server and drops its connections, keeping its files (start again with restart()). */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and removes its files. */
  close(): Promise<void>;
}

/**
 * s3rver 3.7 answers a PUT once its hashing stream has ended, before the file is written, so
 * a GET right after it can read 0 bytes (seen under load: the refresh's read-back check then
 * fails the run). S3 and R2 are read-after-write consistent: write the file, then answer.
 */
function readAfterWrite(store: S3rver['store']): void {
  store.putObject = async (object) => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of object.content) chunks.push(chunk);
    const content = Buffer.concat(chunks);
    const path = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    const md5 = createHash('md5').update(content).digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size: content.length, md5 };
  };
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
    readAfterWrite(server.store);
    const address = (await server.run()) as AddressInfo;
    port = address.port;
  };
  await start();
  let running = true;
  // As a server that goes away: its open connections drop too (close() alone waits for them,
  // and a client keeping its connections alive would not notice the server had stopped).
  const stop = async () => {
    if (running) {
      const closed = server.close();
      server.httpServer?.closeAllConnections();
      await closed;
    }
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
