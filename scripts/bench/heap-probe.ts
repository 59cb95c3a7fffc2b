/**
 * Child process of the index benchmark, run with `node --expose-gc`: heap bytes that one
 * species costs with every object loaded (root, chunks, typo objects, as the catalog loads
 * them), measured object by object as heapUsed after minus before, each after full
 * collections, against the catalog's estimate for each.
 *
 *   node --expose-gc scripts/bench/heap-probe.ts <objects.json> <species>
 * where objects.json lists { kind, path, first? } of the decompressed objects.
 */
import { readFileSync } from 'node:fs';
import { ChunkIndex } from '../../functions/name-index/chunk-index.ts';
import { typoIndexOf } from '../../functions/name-index/typo-index.ts';
import { assertRoot } from '../../snapshot/format.ts';

const [list, species] = process.argv.slice(2);
if (!list || !species) throw new Error('usage: heap-probe.ts <objects.json> <species>');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const objects = JSON.parse(readFileSync(list, 'utf8')) as { kind: 'root' | 'chunk' | 'typos'; path: string; first?: string }[];
const settle = () => {
  for (let i = 0; i < 3; i++) gc();
};
const kept: unknown[] = [];
let heap = 0;
let estimate = 0;
const chunkRatios: number[] = [];
for (const o of objects) {
  const json = new Uint8Array(readFileSync(o.path));
  settle();
  const before = process.memoryUsage().heapUsed;
  let bytes: number;
  if (o.kind === 'chunk') {
    const chunk = ChunkIndex.fromJson(species, json);
    kept.push(chunk);
    bytes = chunk.bytes;
  } else {
    const value: unknown = JSON.parse(new TextDecoder().decode(json));
    if (o.kind === 'root') {
      assertRoot(value, species);
      kept.push(value);
      bytes = json.byteLength * 2;
    } else {
      const index = typoIndexOf(value, species, o.first!);
      kept.push(index);
      bytes = index.byteLength;
    }
  }
  settle();
  const measured = process.memoryUsage().heapUsed - before;
  heap += measured;
  estimate += bytes;
  if (o.kind === 'chunk' && measured > 0) chunkRatios.push(bytes / measured);
}
chunkRatios.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ heap_bytes: heap, estimate_bytes: estimate, chunk_ratio: Math.round((chunkRatios[chunkRatios.length >> 1] ?? 0) * 100) / 100, objects: kept.length }));
