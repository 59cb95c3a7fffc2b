/**
 * Child process of the index benchmark, run with `node --expose-gc`: the memory one species
 * costs with every object loaded (root, chunks, answer objects, typo objects, decoded as the catalog decodes
 * them), measured object by object after full collections, against the catalog's estimate.
 * Memory is the JS heap plus array buffers: typed arrays keep their elements outside the heap,
 * and an isolate's 128 MB pays for both.
 *
 *   node --expose-gc scripts/bench/heap-probe.ts <objects.json> <species>
 * where objects.json lists { kind, path, first? } of the decompressed objects.
 */
import { readFileSync } from 'node:fs';
import { decodeObject, type ObjectKind } from '../../functions/catalog/objects.ts';

const [list, species] = process.argv.slice(2);
if (!list || !species) throw new Error('usage: heap-probe.ts <objects.json> <species>');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

export interface KindMemory {
  objects: number;
  json_bytes: number;
  heap_bytes: number;
  array_buffer_bytes: number;
  estimate_bytes: number;
}

const objects = JSON.parse(readFileSync(list, 'utf8')) as { kind: ObjectKind; path: string; first?: string }[];
const settled = () => {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage();
};
// Every input is read first and kept to the end, so freeing one never offsets a measurement.
const inputs = objects.map((o) => new Uint8Array(readFileSync(o.path)));
// One object of each kind is decoded and dropped first: compiling the decoders is paid once per isolate.
const seen = new Set<ObjectKind>();
for (const [i, o] of objects.entries()) if (!seen.has(o.kind)) seen.add(o.kind), decodeObject(o.kind, species, inputs[i]!, o.first);

const kept: unknown[] = [];
const byKind: Partial<Record<ObjectKind, KindMemory>> = {};
const chunkRatios: number[] = [];
for (const [i, o] of objects.entries()) {
  const before = settled();
  const decoded = decodeObject(o.kind, species, inputs[i]!, o.first);
  kept.push(decoded.value);
  const after = settled();
  const heap = after.heapUsed - before.heapUsed;
  const buffers = after.arrayBuffers - before.arrayBuffers;
  const k = (byKind[o.kind] ??= { objects: 0, json_bytes: 0, heap_bytes: 0, array_buffer_bytes: 0, estimate_bytes: 0 });
  k.objects++;
  k.json_bytes += inputs[i]!.byteLength;
  k.heap_bytes += heap;
  k.array_buffer_bytes += buffers;
  k.estimate_bytes += decoded.bytes;
  if (o.kind === 'chunk' && heap + buffers > 0) chunkRatios.push(decoded.bytes / (heap + buffers));
}
chunkRatios.sort((a, b) => a - b);
const sum = (f: keyof KindMemory) => Object.values(byKind).reduce((a, k) => a + k[f], 0);
process.stdout.write(
  JSON.stringify({
    heap_bytes: sum('heap_bytes'),
    array_buffer_bytes: sum('array_buffer_bytes'),
    estimate_bytes: sum('estimate_bytes'),
    chunk_ratio: Math.round((chunkRatios[chunkRatios.length >> 1] ?? 0) * 100) / 100,
    by_kind: byKind,
    objects: kept.length,
  }),
);
