/**
 * Where the edge reads snapshot objects from. Two implementations: an R2 binding (the default
 * on Workers) and an HTTP(S) base URL (public or presigned S3, any CDN). Keys are relative to
 * the snapshot prefix, as in snapshot/format.ts.
 */

export interface SnapshotSource {
  readonly description: string;
  /** The object's bytes, or null when it does not exist. Throws on any other failure. */
  get(key: string): Promise<Uint8Array<ArrayBuffer> | null>;
}

/** The subset of an R2 bucket binding we use (keeps this file free of Workers types). */
export interface R2Like {
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
}

export function r2Source(bucket: R2Like, prefix = ''): SnapshotSource {
  const base = normalisePrefix(prefix);
  return {
    description: `r2:${base || '/'}`,
    async get(key) {
      const object = await bucket.get(base + key);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
  };
}

export function httpSource(baseUrl: string, fetcher: typeof fetch = fetch): SnapshotSource {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return {
    description: base,
    async get(key) {
      const response = await fetcher(new URL(key, base));
      if (response.status === 404 || response.status === 403) {
        // S3 answers 403 for a missing key when listing is not allowed.
        await response.body?.cancel();
        return null;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`GET ${key} from ${base}: HTTP ${response.status}`);
      }
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return trimmed ? `${trimmed}/` : '';
}
