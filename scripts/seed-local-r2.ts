/**
 * Mirrors a snapshot directory (the bucket's layout) into wrangler's local R2 state, the same
 * storage `wrangler dev` serves the SNAPSHOTS binding from. The pointer is written last.
 */
import { getPlatformProxy } from 'wrangler';
import { copySnapshotDir } from '../snapshot/refresh/copy-snapshot.ts';
import { DirStore } from '../snapshot/refresh/dir-store.ts';

/** The part of the R2 binding used here (Workers types are not loaded in Node code). */
interface Bucket {
  list(options: { prefix: string; cursor?: string }): Promise<{ objects: { key: string }[]; truncated: boolean; cursor?: string }>;
  delete(keys: string[]): Promise<void>;
  put(key: string, value: Uint8Array): Promise<unknown>;
}

export async function seedLocalR2(dir: string, prefix = ''): Promise<number> {
  const files = await new DirStore(dir).list('');
  const proxy = await getPlatformProxy<{ SNAPSHOTS: Bucket }>({ persist: true });
  try {
    const bucket = proxy.env.SNAPSHOTS;
    const wanted = new Set(files.map((key) => prefix + key));
    const stale: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await bucket.list({ prefix, cursor });
      for (const object of page.objects) if (!wanted.has(object.key)) stale.push(object.key);
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    if (stale.length) await bucket.delete(stale);
    return (await copySnapshotDir(dir, (key, body) => bucket.put(key, body), prefix)).length;
  } finally {
    await proxy.dispose();
  }
}
