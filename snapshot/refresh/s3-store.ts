/**
 * An ObjectStore on S3 or an S3-compatible service (Cloudflare R2, MinIO) via AWS SDK v3.
 *
 * Credentials come only from the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
 * / AWS_SESSION_TOKEN, AWS_PROFILE and ~/.aws, instance roles), never from arguments.
 *
 * The pointer's compare-and-swap is a conditional PutObject: `If-Match: <etag>` when a pointer
 * existed, `If-None-Match: *` when none did. AWS S3 and R2 enforce both (412 Precondition
 * Failed, or 409 ConditionalRequestConflict when two conditional writes race on AWS).
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { PreconditionFailedError, StorageError, type ObjectStore, type PutOptions, type StoredObject } from './store.ts';

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket ('' or e.g. `autocomplete/prod`). */
  prefix?: string;
  /** S3-compatible endpoint, e.g. `https://<account>.r2.cloudflarestorage.com`. */
  endpoint?: string;
  /** Region; R2 wants `auto`. Default: `auto` with an endpoint, else the SDK's (AWS_REGION). */
  region?: string;
  /** Path-style addressing (default: on when an endpoint is given). */
  forcePathStyle?: boolean;
  /** Extra client configuration (tests: retries). */
  clientConfig?: Partial<S3ClientConfig>;
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'AllAccessDisabled',
  'AccountProblem',
  'CredentialsProviderError',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'TimeoutError',
  'RequestTimeout',
]);

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** Maps an SDK failure to a StorageError (or PreconditionFailedError for a lost CAS). */
export function classifyS3Error(error: unknown, what: string): Error {
  if (error instanceof PreconditionFailedError || error instanceof StorageError) return error;
  const err = error as Error & { code?: string; Code?: string };
  const name = err.name ?? '';
  const code = err.code ?? err.Code ?? '';
  const status = statusOf(error);
  const message = `${what}: ${name && name !== 'Error' ? `${name}: ` : ''}${err.message || code || status || 'unknown error'}`;
  if (ACCESS_DENIED.has(name) || ACCESS_DENIED.has(code) || status === 401 || status === 403) {
    return new StorageError('access-denied', message, { cause: error });
  }
  if (name === 'NoSuchBucket' || code === 'NoSuchBucket') {
    return new StorageError('unreachable', `${what}: bucket does not exist`, { cause: error });
  }
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(name) || (!(error instanceof S3ServiceException) && status === undefined && code !== '')) {
    return new StorageError('unreachable', message, { cause: error });
  }
  if (!(error instanceof S3ServiceException) && status === undefined) {
    // Errors below HTTP (socket hang up, aborted connection) carry no status.
    return new StorageError('unreachable', message, { cause: error });
  }
  return new StorageError('failed', message, { cause: error });
}

export class S3Store implements ObjectStore {
  readonly description: string;
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.prefix = prefix ? `${prefix}/` : '';
    this.description = `s3://${this.bucket}/${this.prefix}`;
    const config: S3ClientConfig = {
      // R2 rejects the CRC32 checksum headers SDK >= 3.729 sends by default (501), and s3rver
      // stores aws-chunked framing inside streamed objects; ask for checksums only when required.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...options.clientConfig,
    };
    if (options.endpoint) {
      config.endpoint = options.endpoint;
      config.forcePathStyle = options.forcePathStyle ?? true;
      config.region = options.region ?? 'auto';
    } else if (options.region) {
      config.region = options.region;
    }
    this.client = new S3Client(config);
  }

  private key(key: string): string {
    return this.prefix + key;
  }

  async get(key: string): Promise<StoredObject | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
      const body = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
      return { body, etag: out.ETag ?? '' };
    } catch (error) {
      const err = error as Error;
      if (err.name === 'NoSuchKey' || (statusOf(error) === 404 && err.name !== 'NoSuchBucket')) return null;
      throw classifyS3Error(error, `reading ${this.description}${key}`);
    }
  }

  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<{ etag: string }> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: this.key(key),
      Body: body,
      ContentLength: body.byteLength,
      ContentType: options.contentType,
      // Shards and manifests live under an immutable version prefix; the pointer must be fresh.
      CacheControl: key.startsWith('v/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...(options.ifMatch === undefined ? {} : options.ifMatch === null ? { IfNoneMatch: '*' } : { IfMatch: options.ifMatch }),
    });
    try {
      const out = await this.client.send(command);
      return { etag: out.ETag ?? '' };
    } catch (error) {
      const status = statusOf(error);
      const name = (error as Error).name;
      if (options.ifMatch !== undefined && (status === 412 || name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || status === 409)) {
        throw new PreconditionFailedError(key);
      }
      throw classifyS3Error(error, `writing ${this.description}${key}`);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const out = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.key(prefix), ContinuationToken: token }),
        );
        for (const object of out.Contents ?? []) {
          if (object.Key?.startsWith(this.prefix)) keys.push(object.Key.slice(this.prefix.length));
        }
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw classifyS3Error(error, `listing ${this.description}${prefix}`);
    }
    return keys.sort();
  }

  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      try {
        const out = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((key) => ({ Key: this.key(key) })), Quiet: true },
          }),
        );
        const failed = out.Errors ?? [];
        if (failed.length) {
          throw new StorageError('failed', `deleting ${failed.length} object(s) failed, first: ${failed[0]!.Key}: ${failed[0]!.Message}`);
        }
      } catch (error) {
        throw classifyS3Error(error, `deleting objects under ${this.description}`);
      }
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}
