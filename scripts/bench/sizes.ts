/**
 * Section 5, sizes: per shard of the public snapshot (and the largest synthetic shard), the
 * decompressed shard JSON against our xz shard and gzip -9 of the same JSON; totals. The
 * full-scale synthetic snapshot's totals are added when the cache holds one.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { keys } from '../../snapshot/format.ts';
import { atMost, benchData, fmt, fmtBytes, openSnapshot, readShard, round, table, type BenchContext, type SnapshotFiles, type Target } from './lib.ts';

export interface ShardSize {
  species: string;
  labels: number;
  json_bytes: number;
  xz_bytes: number;
  gzip9_bytes: number;
  /** xz / JSON. */
  xz_ratio: number;
  gzip_ratio: number;
}

export interface SizesResult {
  public: {
    shards: ShardSize[];
    total_json_bytes: number;
    total_xz_bytes: number;
    total_gzip9_bytes: number;
    /** Every object of the version: shards + manifest + pointer. */
    snapshot_bytes: number;
    xz_ratio: number;
    gzip_ratio: number;
  };
  largest_synthetic: ShardSize;
  full_synthetic: { species: number; labels: number; json_bytes: number; xz_bytes: number; xz_ratio: number } | null;
}

async function shardSize(snap: SnapshotFiles, species: string): Promise<ShardSize> {
  const { xz, json } = await readShard(snap, species);
  const gzip9 = gzipSync(json, { level: 9 }).byteLength;
  return {
    species,
    labels: snap.manifest.species[species]!.labels,
    json_bytes: json.byteLength,
    xz_bytes: xz.byteLength,
    gzip9_bytes: gzip9,
    xz_ratio: round(xz.byteLength / json.byteLength, 4),
    gzip_ratio: round(gzip9 / json.byteLength, 4),
  };
}

const oneIn = (ratio: number) => `1/${fmt(1 / ratio, 1)}`;

export async function benchSizes(ctx: BenchContext): Promise<{ result: SizesResult; markdown: string; targets: Target[] }> {
  const data = await benchData(ctx);
  const shards: ShardSize[] = [];
  for (const species of Object.keys(data.publicSnap.manifest.species).sort()) shards.push(await shardSize(data.publicSnap, species));
  const sum = (f: (s: ShardSize) => number) => shards.reduce((n, s) => n + f(s), 0);
  let snapshotBytes = (await stat(join(data.publicSnap.dir, keys.pointer))).size + (await stat(join(data.publicSnap.dir, data.publicSnap.pointer.manifest))).size;
  snapshotBytes += sum((s) => s.xz_bytes);
  const totalJson = sum((s) => s.json_bytes);
  const totalXz = sum((s) => s.xz_bytes);
  const totalGzip = sum((s) => s.gzip9_bytes);

  let fullSynthetic: SizesResult['full_synthetic'] = null;
  const fullDir = join(ctx.dataDir, 'snap-synth-natural');
  if (existsSync(join(fullDir, keys.pointer))) {
    const full = await openSnapshot(fullDir);
    const entries = Object.values(full.manifest.species);
    const json = entries.reduce((n, e) => n + e.json_bytes, 0);
    const xz = entries.reduce((n, e) => n + e.bytes, 0);
    fullSynthetic = { species: entries.length, labels: entries.reduce((n, e) => n + e.labels, 0), json_bytes: json, xz_bytes: xz, xz_ratio: round(xz / json, 4) };
  }

  const result: SizesResult = {
    public: {
      shards,
      total_json_bytes: totalJson,
      total_xz_bytes: totalXz,
      total_gzip9_bytes: totalGzip,
      snapshot_bytes: snapshotBytes,
      xz_ratio: round(totalXz / totalJson, 4),
      gzip_ratio: round(totalGzip / totalJson, 4),
    },
    largest_synthetic: await shardSize(data.synthSnap, data.largest),
    full_synthetic: fullSynthetic,
  };
  const targets = [atMost('xz / JSON, public snapshot total', result.public.xz_ratio, 0.125)];
  const row = (s: ShardSize) => [s.species, fmt(s.labels), fmt(s.json_bytes), fmt(s.xz_bytes), fmt(s.gzip9_bytes), oneIn(s.xz_ratio), oneIn(s.gzip_ratio)];
  const markdown = [
    '### 5. Sizes',
    '',
    table(
      ['shard', 'labels', 'JSON B', 'xz B (ours)', 'gzip -9 B', 'xz/JSON', 'gzip/JSON'],
      [
        ...shards.map(row),
        ['**total, public (19 species)**', fmt(sum((s) => s.labels)), fmt(totalJson), fmt(totalXz), fmt(totalGzip), oneIn(result.public.xz_ratio), oneIn(result.public.gzip_ratio)],
        row({ ...result.largest_synthetic, species: `synthetic largest: ${result.largest_synthetic.species}` }),
        ...(fullSynthetic
          ? [[`synthetic full scale (${fullSynthetic.species} species)`, fmt(fullSynthetic.labels), fmt(fullSynthetic.json_bytes), fmt(fullSynthetic.xz_bytes), 'n/a', oneIn(fullSynthetic.xz_ratio), 'n/a']]
          : []),
      ],
    ),
    '',
    `Whole public snapshot (shards + manifest + pointer): ${fmtBytes(snapshotBytes)}.`,
  ].join('\n');
  return { result, markdown, targets };
}
