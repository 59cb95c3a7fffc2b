/**
 * An ObjectStore on a local directory with the bucket's layout (what `--out` writes and
 * `SNAPSHOT_DIR` serves). Writes go to a temporary name and are renamed into place, so a
 * reader never sees half a file; a conditional put holds an exclusive lock file across
 * compare-and-rename, so two writers cannot interleave on the pointer.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
  PreconditionFailedError,
  StorageError,
  type ObjectStore,
  type PutOptions,
  type StoredObject,
} from './store.ts';

const STALE_LOCK_MS = 30_000;

/** File-system errors as StorageError: permissions read as access denied, the rest as failures. */
function storageError(error: unknown, what: string): unknown {
  if (error instanceof PreconditionFailedError || error instanceof StorageError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const detail = `${what}: ${(error as Error).message}`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new StorageError('access-denied', detail, { cause: error });
  return new StorageError('failed', detail, { cause: error });
}

function etagOf(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 32);
}

export class DirStore implements ObjectStore {
  readonly description: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.description = root;
  }

  private path(key: string): string {
    if (key.split('/').some((part) => part === '..' || part === '')) throw new Error(`invalid key ${key}`);
    return join(this.root, ...key.split('/'));
  }

  async get(key: string): Promise<StoredObject | null> {
    try {
      const body = new Uint8Array(await readFile(this.path(key)));
      return { body, etag: etagOf(body) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw storageError(error, `reading ${key}`);
    }
  }

  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<{ etag: string }> {
    try {
      return await this.putFile(key, body, options);
    } catch (error) {
      throw storageError(error, `writing ${key}`);
    }
  }

  private async putFile(key: string, body: Uint8Array, options: PutOptions = {}): Promise<{ etag: string }> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, body);
    try {
      if (options.ifMatch === undefined) {
        await rename(temp, path);
      } else {
        await this.withLock(path, async () => {
          const current = await this.get(key);
          if ((current?.etag ?? null) !== options.ifMatch) throw new PreconditionFailedError(key);
          await rename(temp, path);
        });
      }
    } finally {
      await rm(temp, { force: true });
    }
    return { etag: etagOf(body) };
  }

  private async withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
    const lock = `${path}.lock`;
    let handle;
    try {
      handle = await open(lock, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a crashed writer expires; a live one means a concurrent commit.
      const age = Date.now() - (await stat(lock)).mtimeMs;
      if (age < STALE_LOCK_MS) throw new PreconditionFailedError(relative(this.root, path));
      await rm(lock, { force: true });
      handle = await open(lock, 'wx');
    }
    try {
      return await fn();
    } finally {
      await handle.close();
      await rm(lock, { force: true });
    }
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw storageError(error, `listing ${prefix}`);
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (!entry.name.endsWith('.tmp') && !entry.name.endsWith('.lock')) {
          const key = relative(this.root, full).split(sep).join('/');
          if (key.startsWith(prefix)) out.push(key);
        }
      }
    };
    await walk(this.root);
    return out.sort();
  }

  async delete(keys: string[]): Promise<void> {
    try {
      await Promise.all(keys.map((key) => rm(this.path(key), { force: true })));
      // Drop directories the deletion emptied (a pruned v/<version>/), never the root.
      const dirs = new Set(keys.map((key) => dirname(this.path(key))));
      for (const dir of [...dirs].sort((a, b) => b.length - a.length)) {
        for (let d = dir; d !== this.root && d.startsWith(this.root); d = dirname(d)) {
          try {
            await rmdir(d);
          } catch {
            break; // not empty, or gone already
          }
        }
      }
    } catch (error) {
      throw storageError(error, 'deleting objects');
    }
  }
}
