/**
 * Copies a snapshot directory (the bucket's layout) into any bucket-like target in publishing
 * order, the pointer last, so a reader of the target never sees it name missing objects.
 * Used to seed R2 for `npm start`, the workerd tests and the benchmarks.
 */
import { keys } from '../format.ts';
import { DirStore } from './dir-store.ts';

export async function copySnapshotDir(dir: string, put: (key: string, body: Uint8Array) => Promise<unknown>, prefix = ''): Promise<string[]> {
  const store = new DirStore(dir);
  const files = await store.list('');
  const ordered = [...files.filter((k) => k !== keys.pointer), ...files.filter((k) => k === keys.pointer)];
  for (const key of ordered) await put(prefix + key, (await store.get(key))!.body);
  return ordered;
}
