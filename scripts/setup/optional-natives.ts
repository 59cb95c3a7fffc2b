/**
 * Restores the native packages that npm skipped because npm itself ran on an older Node.
 *
 * `npm install` runs on the machine's own Node, but every npm script runs on the Node of the
 * `node` devDependency (node_modules/.bin comes first on PATH). When the machine's Node is
 * older than an optional native package's `engines` (Node 20 against @napi-rs/lzma's ^22.20),
 * npm silently skips the package, although the Node that will load it accepts it. This finds
 * the optional dependencies of installed packages that the lockfile records for this platform
 * but that are not on disk, and puts in place exactly the tarball the lockfile pins (checked
 * against its `integrity`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface LockEntry {
  version?: string;
  integrity?: string;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  optionalDependencies?: Record<string, string>;
}

export type LockPackages = Record<string, LockEntry>;

/** The lockfile path `name` resolves to from the package at `from`, as Node resolves: own node_modules, then each parent's. */
export function resolveLocked(packages: LockPackages, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const at = base.lastIndexOf('/node_modules/');
    base = at < 0 ? '' : base.slice(0, at);
  }
}

/** Whether an os/cpu/libc list admits a value (`!x` excludes, as in package.json). */
function admits(list: string[] | undefined, value: string | null): boolean {
  if (!list) return true;
  if (value === null || list.includes(`!${value}`)) return false;
  return list.some((v) => !v.startsWith('!')) ? list.includes(value) : true;
}

function libc(): string | null {
  if (process.platform !== 'linux') return null;
  const header = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header;
  return header?.glibcVersionRuntime ? 'glibc' : 'musl';
}

/** Optional dependencies of installed packages that fit this platform and are missing from disk. */
export function missingOptionalNatives(root: string, packages: LockPackages): { path: string; name: string; entry: LockEntry }[] {
  const c = libc();
  const missing = new Map<string, { path: string; name: string; entry: LockEntry }>();
  for (const [from, owner] of Object.entries(packages)) {
    if (from !== '' && !existsSync(join(root, from, 'package.json'))) continue;
    for (const name of Object.keys(owner.optionalDependencies ?? {})) {
      const path = resolveLocked(packages, from, name);
      const entry = path ? packages[path]! : undefined;
      if (!path || !entry || missing.has(path) || existsSync(join(root, path, 'package.json'))) continue;
      if (admits(entry.os, process.platform) && admits(entry.cpu, process.arch) && admits(entry.libc, c)) missing.set(path, { path, name, entry });
    }
  }
  return [...missing.values()];
}

/** Fetches `name@version` with npm (its cache, registry and proxy settings), checks it, unpacks it at `path`. */
function restore(root: string, path: string, name: string, entry: LockEntry): void {
  const work = mkdtempSync(join(tmpdir(), 'ea-native-'));
  try {
    const packed = JSON.parse(
      execFileSync('npm', ['pack', `${name}@${entry.version}`, '--json', '--pack-destination', work], {
        cwd: work,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    ) as { filename: string; integrity: string }[];
    const { filename, integrity } = packed[0]!;
    if (entry.integrity && integrity !== entry.integrity) {
      throw new Error(`${name}@${entry.version} from the registry has integrity ${integrity}, the lockfile says ${entry.integrity}`);
    }
    execFileSync('tar', ['-xzf', join(work, filename), '-C', work]);
    mkdirSync(dirname(join(root, path)), { recursive: true });
    renameSync(join(work, 'package'), join(root, path));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function restoreOptionalNatives(root: string, log: (line: string) => void): void {
  const { packages } = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: LockPackages };
  for (const { path, name, entry } of missingOptionalNatives(root, packages)) {
    log(`installing ${name}@${entry.version} as locked: npm skipped it, its engines exclude the Node npm ran on (scripts run on ${process.version})`);
    restore(root, path, name, entry);
  }
}
