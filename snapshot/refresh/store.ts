/**
 * Where snapshots live: a flat key space under a prefix (an S3/R2 bucket prefix or a local
 * directory with the same layout). Implementations: dir-store.ts, s3-store.ts.
 */

export interface StoredObject {
  body: Uint8Array;
  /** Opaque version tag used for compare-and-swap on the pointer. */
  etag: string;
}

export interface PutOptions {
  contentType?: string;
  /**
   * Compare-and-swap: write only if the object's current etag equals this, or, when `null`,
   * only if the object does not exist. Omitted: unconditional.
   */
  ifMatch?: string | null;
}

export class PreconditionFailedError extends Error {
  override name = 'PreconditionFailedError';
  constructor(key: string) {
    super(`${key} changed while we were publishing (another refresh won the race)`);
  }
}

/** What went wrong talking to storage, so the CLI can tell a bad credential from a dead network. */
export type StorageErrorKind = 'access-denied' | 'unreachable' | 'failed';

export class StorageError extends Error {
  override name = 'StorageError';
  readonly kind: StorageErrorKind;

  constructor(kind: StorageErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

export interface ObjectStore {
  /** A human-readable location for logs, e.g. `s3://bucket/prefix` or a directory. */
  readonly description: string;
  get(key: string): Promise<StoredObject | null>;
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<{ etag: string }>;
  /** Keys (relative to the store's prefix) that start with `prefix`. */
  list(prefix: string): Promise<string[]>;
  delete(keys: string[]): Promise<void>;
}
