/**
 * Rows of one species → a shard in ranking order → xz bytes with their sha256. Node only.
 */
import { createHash } from 'node:crypto';
import { FORMAT_VERSION, type Shard } from '../format.ts';
import { compareCodePoints, sortLabels } from '../natural.ts';
import type { XzDecoder } from '../unxz.ts';
import { xzCompress, type XzOptions } from './xz-encode.ts';

/** One row of Ensembl's gene_autocomplete table (NULL label or location allowed). */
export interface GeneRow {
  stableId: string;
  label: string | null;
  location: string | null;
}

export interface ShardStats {
  /** Rows given, including skipped ones. */
  rows: number;
  /** Rows skipped because their label was NULL or blank. */
  skipped: number;
}

/**
 * Groups rows by distinct (case-sensitive) label, sorted into ranking order. Stable IDs of a
 * label are sorted so that the same rows always give the same bytes.
 */
export function buildShard(species: string, rows: Iterable<GeneRow>): { shard: Shard; stats: ShardStats } {
  const byLabel = new Map<string, Map<string, string>>();
  const stats: ShardStats = { rows: 0, skipped: 0 };
  for (const row of rows) {
    stats.rows++;
    const label = row.label?.trim();
    if (!label || !row.stableId) {
      stats.skipped++;
      continue;
    }
    let ids = byLabel.get(label);
    if (!ids) byLabel.set(label, (ids = new Map()));
    if (!ids.has(row.stableId) || !ids.get(row.stableId)) ids.set(row.stableId, row.location?.trim() ?? '');
  }

  const labels = sortLabels([...byLabel.keys()]);
  const stableIds: string[] = [];
  const locations: string[] = [];
  let anyLocation = false;
  for (const label of labels) {
    const ids = [...byLabel.get(label)!.entries()].sort(([a], [b]) => compareCodePoints(a, b));
    stableIds.push(ids.map(([id]) => id).join(' '));
    const locs = ids.map(([, loc]) => loc);
    if (locs.some(Boolean)) anyLocation = true;
    locations.push(locs.join(' '));
  }
  const shard: Shard = { format: FORMAT_VERSION, species, labels, stable_ids: stableIds };
  if (anyLocation) shard.locations = locations;
  return { shard, stats };
}

export interface EncodedShard {
  species: string;
  labels: number;
  rows: number;
  skipped: number;
  json_bytes: number;
  bytes: Uint8Array;
  sha256: string;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface EncodeOptions extends XzOptions {
  /** Decode the result with this (the edge's) decoder and compare, so a broken shard never leaves. */
  verifyWith?: XzDecoder;
}

export async function encodeShard(shard: Shard, stats: ShardStats, options: EncodeOptions = {}): Promise<EncodedShard> {
  const json = new TextEncoder().encode(JSON.stringify(shard));
  const bytes = await xzCompress(json, options);
  if (options.verifyWith) {
    const back = options.verifyWith.decode(bytes);
    if (Buffer.compare(back, json) !== 0) {
      throw new Error(`xz round trip of ${shard.species} does not give back its JSON`);
    }
  }
  return {
    species: shard.species,
    labels: shard.labels.length,
    rows: stats.rows,
    skipped: stats.skipped,
    json_bytes: json.byteLength,
    bytes,
    sha256: sha256Hex(bytes),
  };
}
