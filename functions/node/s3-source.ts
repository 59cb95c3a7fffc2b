/**
 * Node adapter: a SnapshotSource over S3 or an S3-compatible service (R2, MinIO), reusing the
 * refresh tool's S3Store (same client settings). Credentials come only from the AWS SDK's
 * default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE, instance roles).
 */
import { S3Store, type S3StoreOptions } from '../../snapshot/refresh/s3-store.ts';
import type { SnapshotSource } from '../catalog/source.ts';

export function s3Source(options: S3StoreOptions): SnapshotSource & { destroy(): void } {
  const store = new S3Store(options);
  return {
    description: store.description,
    async get(key) {
      const object = await store.get(key);
      if (!object) return null;
      const { body } = object;
      // Hand out an ArrayBuffer-backed copy only when the SDK's view shares a larger buffer.
      if (body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer) {
        return body as Uint8Array<ArrayBuffer>;
      }
      return new Uint8Array(body);
    },
    destroy: () => store.destroy(),
  };
}
