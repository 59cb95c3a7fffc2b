/**
 * Pruning old versions. Never removes the current version nor the one before it (the
 * rollback target); keeps the `keep` newest complete versions older than the current one
 * (the one before counts among them);
 * never touches a version newer than the current one, or one without a manifest, until it is
 * older than `graceMs` (it may belong to a refresh still uploading; after that it is the
 * orphan of a refresh that failed or lost the race).
 *
 * Objects live under the version that first wrote them and later versions refer to them, so a
 * pruned version loses its manifest and every object no kept version refers to; the objects
 * kept versions still use stay where they are. (A refresh in progress only refers to objects
 * of the snapshot it started from, which is the current version or the one before: kept.)
 */
import { assertRoot, keys, listedObjects, manifestSchema, rootRef, VERSION_PATTERN } from '../format.ts';
import type { ObjectStore } from './store.ts';
import { nodeXzDecoder } from './xz-node.ts';

export const DEFAULT_GRACE_MS = 24 * 3600_000;

export interface PruneOptions {
  /** The version the pointer names now. */
  current: string;
  /** The version it named before this refresh (null: none, or unknown). */
  previous: string | null;
  /** Complete old versions to keep besides the current one and the one before. */
  keep: number;
  now?: Date;
  graceMs?: number;
  /** Only report what would go. */
  dryRun?: boolean;
}

export interface PruneResult {
  kept: string[];
  deleted: string[];
  /** Objects removed (or that would be). */
  objects: number;
}

/** Creation time encoded in a version name (`20261123T110503Z-7f3a`). */
export function versionTime(version: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(version);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export async function pruneVersions(store: ObjectStore, options: PruneOptions): Promise<PruneResult> {
  const now = (options.now ?? new Date()).getTime();
  const grace = options.graceMs ?? DEFAULT_GRACE_MS;
  const objects = new Map<string, string[]>();
  for (const key of await store.list('v/')) {
    const version = key.split('/')[1] ?? '';
    if (!VERSION_PATTERN.test(version)) continue;
    if (!objects.has(version)) objects.set(version, []);
    objects.get(version)!.push(key);
  }
  const versions = [...objects.keys()].sort().reverse(); // newest first
  const kept: string[] = [];
  const deleted: string[] = [];
  let keptOld = 0;
  for (const version of versions) {
    const complete = objects.get(version)!.includes(keys.manifest(version));
    const young = now - versionTime(version) < grace;
    let keep: boolean;
    if (version === options.current) keep = true;
    else if (version > options.current || !complete) keep = young || version === options.previous;
    else {
      // Complete and older than the current one: an old version proper, counted against `keep`.
      keep = keptOld < options.keep || version === options.previous;
      if (keep) keptOld++;
    }
    (keep ? kept : deleted).push(version);
  }
  const live = await liveObjects(store, kept.filter((version) => objects.get(version)!.includes(keys.manifest(version))));
  const doomed = deleted.flatMap((version) => objects.get(version)!).filter((key) => !live.has(key));
  // Manifests last: an interrupted prune leaves a version without a manifest, which is
  // recognisably incomplete, never a manifest naming missing objects.
  const manifests = doomed.filter((key) => key.endsWith('/manifest.json'));
  const rest = doomed.filter((key) => !key.endsWith('/manifest.json'));
  if (!options.dryRun) {
    await store.delete(rest);
    await store.delete(manifests);
  }
  return { kept, deleted, objects: doomed.length };
}

/** Every object the manifests of `versions` refer to: their species' roots and the chunks and typo objects those list. */
async function liveObjects(store: ObjectStore, versions: string[]): Promise<Set<string>> {
  const live = new Set<string>();
  const xz = nodeXzDecoder();
  const read = async (key: string) => {
    const object = await store.get(key);
    if (!object) throw new Error(`${key} is missing; a kept version refers to it, so nothing was pruned`);
    return object.body;
  };
  for (const version of versions) {
    const manifest = manifestSchema.parse(JSON.parse(new TextDecoder().decode(await read(keys.manifest(version)))));
    for (const [species, entry] of Object.entries(manifest.species)) {
      if (live.has(entry.root.key)) continue;
      live.add(entry.root.key);
      const root: unknown = JSON.parse(new TextDecoder().decode(xz.decode(await read(entry.root.key))));
      assertRoot(root, species);
      for (const e of listedObjects(root)) live.add(rootRef(root, e).key);
    }
  }
  return live;
}
