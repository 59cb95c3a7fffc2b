/**
 * package-lock.json is in step with package.json and complete for every platform: `npm ci`
 * on macOS, Windows or Linux arm64 needs the optional native packages of its own platform in
 * the lockfile, which an install on this machine never fetches. (`npm ci` in .ci/run and in
 * test/install/fresh-clone.test.ts fails on drift too; this catches it in a second.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveLocked, type LockPackages } from '../../scripts/setup/optional-natives.ts';

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Manifest;
const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: LockPackages & Record<string, Manifest>;
};

describe('package-lock.json', () => {
  it('records exactly the dependencies package.json declares', () => {
    const root = lock.packages['']!;
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies'] as const) {
      expect([field, root[field] ?? {}]).toEqual([field, pkg[field] ?? {}]);
    }
  });

  it('locks every optional dependency of every package, for every platform', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolveLocked(lock.packages, path, name)) missing.push(`${path || '(root)'} -> ${name}`);
      }
    }
    expect(missing).toEqual([]);
    // The platforms people clone this on: the native xz encoder and workerd for each.
    for (const name of ['@napi-rs/lzma-darwin-arm64', '@napi-rs/lzma-win32-x64-msvc', '@napi-rs/lzma-linux-arm64-gnu', '@cloudflare/workerd-darwin-arm64', '@cloudflare/workerd-windows-64']) {
      expect(lock.packages[`node_modules/${name}`], name).toBeDefined();
    }
  });
});
