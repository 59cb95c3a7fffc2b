/** Node adapter: a SnapshotSource over a local directory with the bucket's layout. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SnapshotSource } from '../catalog/source.ts';

export function dirSource(root: string): SnapshotSource {
  return {
    description: root,
    async get(key) {
      if (key.split('/').includes('..')) throw new Error(`invalid key ${key}`);
      try {
        const buffer = await readFile(join(root, ...key.split('/')));
        return new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
  };
}
