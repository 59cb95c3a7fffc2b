/**
 * One species from rows to verified xz bytes: the unit of work of the encoder pool, run in a
 * worker thread (encode-worker.ts) or inline. Verification decodes the bytes with the same
 * WASM decoder the edge uses and compares them with the JSON, so a broken shard never leaves.
 */
import { buildShard, encodeShard, type EncodedShard, type GeneRow } from './encode.ts';
import { nodeXzDecoder } from './xz-node.ts';
import type { XzDecoder } from '../unxz.ts';

/** Rows of one species in columns: cheaper to post to a worker than an array of objects. */
export interface ShardJob {
  species: string;
  stableIds: string[];
  labels: (string | null)[];
  locations: (string | null)[];
  /** xz preset 0–9. */
  preset: number;
  /** Decode the result and compare (default true). */
  verify?: boolean;
}

export function toJob(species: string, rows: readonly GeneRow[], preset: number, verify = true): ShardJob {
  const n = rows.length;
  const stableIds = new Array<string>(n);
  const labels = new Array<string | null>(n);
  const locations = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    stableIds[i] = row.stableId;
    labels[i] = row.label;
    locations[i] = row.location;
  }
  return { species, stableIds, labels, locations, preset, verify };
}

let decoder: XzDecoder | null = null;

export async function runShardJob(job: ShardJob): Promise<EncodedShard> {
  const { species, stableIds, labels, locations } = job;
  const rows: GeneRow[] = new Array(stableIds.length);
  for (let i = 0; i < stableIds.length; i++) rows[i] = { stableId: stableIds[i]!, label: labels[i]!, location: locations[i]! };
  const { shard, stats } = buildShard(species, rows);
  const verifyWith = job.verify === false ? undefined : (decoder ??= nodeXzDecoder());
  return encodeShard(shard, stats, { preset: job.preset, verifyWith });
}
