/**
 * Snapshot format v1: the contract between the offline builder and the edge.
 * See docs/snapshot-format.md. Runtime-agnostic: no Node or Workers APIs here.
 *
 *   <prefix>/current.json                    pointer, written last
 *   <prefix>/v/<version>/manifest.json       every species with key, size, sha256
 *   <prefix>/v/<version>/<species>.json.xz   one shard per species
 */
import { z } from 'zod';

export const FORMAT_VERSION = 1;
export const POINTER_KEY = 'current.json';

/** Object keys inside a snapshot, relative to the store's prefix. */
export const keys = {
  pointer: POINTER_KEY,
  manifest: (version: string) => `v/${version}/manifest.json`,
  shard: (version: string, species: string) => `v/${version}/${species}.json.xz`,
};

/** Versions sort by creation time as plain strings: `20261123T110503Z-7f3a`. */
export const VERSION_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{4,}$/;
export const SPECIES_PATTERN = /^[a-z0-9_]+$/;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const version = z.string().regex(VERSION_PATTERN);

export const pointerSchema = z.object({
  format: z.literal(FORMAT_VERSION),
  version,
  manifest: z.string(),
  published: z.iso.datetime(),
});
export type Pointer = z.infer<typeof pointerSchema>;

export const speciesEntrySchema = z.object({
  /** Distinct labels in the shard. */
  labels: z.number().int().nonnegative(),
  /** Source rows that produced them (a label can sit on several stable IDs). */
  rows: z.number().int().nonnegative(),
  key: z.string(),
  bytes: z.number().int().positive(),
  /** Size of the decompressed shard JSON, so a reader can budget memory before fetching. */
  json_bytes: z.number().int().positive(),
  sha256: sha256Hex,
});
export type SpeciesEntry = z.infer<typeof speciesEntrySchema>;

export const sourceSchema = z.object({
  /** `mysql` for an Ensembl database, `tsv` for a file export. */
  kind: z.enum(['mysql', 'tsv']),
  database: z.string().nullable(),
  release: z.number().int().positive().nullable(),
});
export type SnapshotSource = z.infer<typeof sourceSchema>;

export const manifestSchema = z.object({
  format: z.literal(FORMAT_VERSION),
  version,
  created: z.iso.datetime(),
  source: sourceSchema,
  species: z.record(z.string().regex(SPECIES_PATTERN), speciesEntrySchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

/**
 * One species' labels, already in ranking order (see snapshot/natural.ts), so the edge
 * builds its index without sorting. Parallel arrays keep JSON.parse cheap and compress well:
 * `stable_ids[i]` holds label i's stable IDs joined by spaces; `locations[i]`, when present,
 * the matching locations joined by spaces ('' where unknown).
 */
export interface Shard {
  format: typeof FORMAT_VERSION;
  species: string;
  labels: string[];
  stable_ids: string[];
  locations?: string[];
}

export class FormatError extends Error {
  override name = 'FormatError';
}

function isStringArray(value: unknown, length?: number): value is string[] {
  return (
    Array.isArray(value) &&
    (length === undefined || value.length === length) &&
    value.every((v) => typeof v === 'string')
  );
}

/** Checks a parsed shard's shape; throws FormatError naming what is wrong. */
export function assertShard(value: unknown, species: string): asserts value is Shard {
  const shard = value as Partial<Shard> | null;
  if (typeof shard !== 'object' || shard === null) throw new FormatError(`shard of ${species} is not a JSON object`);
  if (shard.format !== FORMAT_VERSION) throw new FormatError(`shard of ${species} has format ${shard.format}, expected ${FORMAT_VERSION}`);
  if (shard.species !== species) throw new FormatError(`shard holds ${shard.species}, expected ${species}`);
  if (!isStringArray(shard.labels)) throw new FormatError(`shard of ${species}: labels must be an array of strings`);
  const n = shard.labels.length;
  if (!isStringArray(shard.stable_ids, n)) throw new FormatError(`shard of ${species}: stable_ids must be ${n} strings`);
  if (shard.locations !== undefined && !isStringArray(shard.locations, n)) {
    throw new FormatError(`shard of ${species}: locations must be ${n} strings`);
  }
}

/** A new version name: UTC time to the second plus random hex, so names sort by age. */
export function newVersion(now: Date, randomHex: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomHex}`;
}
