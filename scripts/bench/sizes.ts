/**
 * Section 5, sizes: per species of the public snapshot (and the largest synthetic species),
 * its objects' JSON against our xz and gzip -9 of the same JSON, the number of chunks and the
 * largest; totals. The full-scale synthetic snapshot's totals are added when the cache holds one.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { keys } from '../../snapshot/format.ts';
import { benchData, fmt, fmtBytes, HUMAN, loadSpecies, openSnapshot, round, table, type BenchContext, type SnapshotFiles, type Target } from './lib.ts';

export interface SpeciesSize {
  species: string;
  labels: number;
  chunks: number;
  typo_objects: number;
  json_bytes: number;
  xz_bytes: number;
  gzip9_bytes: number;
  /** The largest chunk (xz and JSON), what one cold query reads at most. */
  max_chunk_xz_bytes: number;
  max_chunk_json_bytes: number;
  /** xz / JSON. */
  xz_ratio: number;
  gzip_ratio: number;
}

export interface SizesResult {
  public: {
    species: SpeciesSize[];
    total_json_bytes: number;
    total_xz_bytes: number;
    total_gzip9_bytes: number;
    /** Every object of the version: roots, chunks, typo objects, manifest, pointer. */
    snapshot_bytes: number;
    xz_ratio: number;
    gzip_ratio: number;
  };
  largest_synthetic: SpeciesSize;
  /** Human before synonyms and chunking (format 1, one shard of labels): docs/benchmarks.md of the earlier run. */
  human_v1: { xz_bytes: number; json_bytes: number };
  human_growth_xz: number;
  full_synthetic: { species: number; labels: number; json_bytes: number; xz_bytes: number; xz_ratio: number } | null;
}

const HUMAN_V1 = { xz_bytes: 385_672, json_bytes: 1_798_999 };

async function speciesSize(snap: SnapshotFiles, species: string): Promise<SpeciesSize> {
  const loaded = await loadSpecies(snap, species);
  const sum = (f: (o: (typeof loaded.objects)[number]) => number) => loaded.objects.reduce((n, o) => n + f(o), 0);
  const chunks = loaded.objects.filter((o) => o.kind === 'chunk');
  const json = sum((o) => o.json.byteLength);
  const xz = sum((o) => o.xz.byteLength);
  const gzip9 = sum((o) => gzipSync(o.json, { level: 9 }).byteLength);
  return {
    species,
    labels: loaded.labels.length,
    chunks: chunks.length,
    typo_objects: loaded.objects.filter((o) => o.kind === 'typos').length,
    json_bytes: json,
    xz_bytes: xz,
    gzip9_bytes: gzip9,
    max_chunk_xz_bytes: Math.max(...chunks.map((o) => o.xz.byteLength)),
    max_chunk_json_bytes: Math.max(...chunks.map((o) => o.json.byteLength)),
    xz_ratio: round(xz / json, 4),
    gzip_ratio: round(gzip9 / json, 4),
  };
}

const oneIn = (ratio: number) => `1/${fmt(1 / ratio, 1)}`;

export async function benchSizes(ctx: BenchContext): Promise<{ result: SizesResult; markdown: string; targets: Target[] }> {
  const data = await benchData(ctx);
  const sizes: SpeciesSize[] = [];
  for (const species of Object.keys(data.publicSnap.manifest.species).sort()) sizes.push(await speciesSize(data.publicSnap, species));
  const sum = (f: (s: SpeciesSize) => number) => sizes.reduce((n, s) => n + f(s), 0);
  const snapshotBytes =
    (await stat(join(data.publicSnap.dir, keys.pointer))).size + (await stat(join(data.publicSnap.dir, data.publicSnap.pointer.manifest))).size + sum((s) => s.xz_bytes);
  const totalJson = sum((s) => s.json_bytes);
  const totalXz = sum((s) => s.xz_bytes);
  const totalGzip = sum((s) => s.gzip9_bytes);

  let fullSynthetic: SizesResult['full_synthetic'] = null;
  const fullDir = join(ctx.dataDir, 'snap-synth-natural');
  if (existsSync(join(fullDir, keys.pointer))) {
    const full = await openSnapshot(fullDir);
    const entries = Object.values(full.manifest.species);
    const json = entries.reduce((n, e) => n + e.objects.json_bytes, 0);
    const xz = entries.reduce((n, e) => n + e.objects.bytes, 0);
    fullSynthetic = { species: entries.length, labels: entries.reduce((n, e) => n + e.labels, 0), json_bytes: json, xz_bytes: xz, xz_ratio: round(xz / json, 4) };
  }

  const human = sizes.find((s) => s.species === HUMAN)!;
  const result: SizesResult = {
    public: {
      species: sizes,
      total_json_bytes: totalJson,
      total_xz_bytes: totalXz,
      total_gzip9_bytes: totalGzip,
      snapshot_bytes: snapshotBytes,
      xz_ratio: round(totalXz / totalJson, 4),
      gzip_ratio: round(totalGzip / totalJson, 4),
    },
    largest_synthetic: await speciesSize(data.synthSnap, data.largest),
    human_v1: HUMAN_V1,
    human_growth_xz: round(human.xz_bytes / HUMAN_V1.xz_bytes, 2),
    full_synthetic: fullSynthetic,
  };
  const row = (s: SpeciesSize) => [
    s.species,
    fmt(s.labels),
    `${s.chunks} + ${s.typo_objects}`,
    fmt(s.json_bytes),
    fmt(s.xz_bytes),
    fmt(s.gzip9_bytes),
    oneIn(s.xz_ratio),
    `${fmtBytes(s.max_chunk_xz_bytes)} / ${fmtBytes(s.max_chunk_json_bytes)}`,
  ];
  const markdown = [
    '### 5. Sizes',
    '',
    table(
      ['species', 'labels', 'chunks + typo objects', 'JSON B', 'xz B (ours)', 'gzip -9 B', 'xz/JSON', 'largest chunk xz / JSON'],
      [
        ...sizes.map(row),
        ['**total, public (19 species)**', fmt(sum((s) => s.labels)), `${sum((s) => s.chunks)} + ${sum((s) => s.typo_objects)}`, fmt(totalJson), fmt(totalXz), fmt(totalGzip), oneIn(result.public.xz_ratio), ''],
        row({ ...result.largest_synthetic, species: `synthetic largest: ${result.largest_synthetic.species}` }),
        ...(fullSynthetic
          ? [[`synthetic full scale (${fullSynthetic.species} species)`, fmt(fullSynthetic.labels), '', fmt(fullSynthetic.json_bytes), fmt(fullSynthetic.xz_bytes), 'n/a', oneIn(fullSynthetic.xz_ratio), '']]
          : []),
      ],
    ),
    '',
    `Whole public snapshot (objects + manifest + pointer): ${fmtBytes(snapshotBytes)}. ${HUMAN} with synonyms, biotypes and stable IDs searchable, in chunks: ${fmtBytes(human.xz_bytes)} of xz against ${fmtBytes(HUMAN_V1.xz_bytes)} for its labels alone in one shard before (${result.human_growth_xz}x).`,
  ].join('\n');
  return { result, markdown, targets: [] };
}
