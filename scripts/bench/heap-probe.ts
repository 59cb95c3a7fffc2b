/**
 * Child process of the index benchmark, run with `node --expose-gc`: heap bytes that one
 * species costs once loaded (SpeciesData from the shard JSON: parsed arrays, folded keys and
 * the index), measured as heapUsed after minus before, each after full collections.
 *
 *   node --expose-gc scripts/bench/heap-probe.ts <shard.json> <species>
 */
import { readFileSync } from 'node:fs';
import { SpeciesData } from '../../functions/catalog/species-data.ts';

const [path, species] = process.argv.slice(2);
if (!path || !species) throw new Error('usage: heap-probe.ts <shard.json> <species>');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const json = new Uint8Array(readFileSync(path));
const settle = () => {
  for (let i = 0; i < 3; i++) gc();
};
settle();
const before = process.memoryUsage().heapUsed;
const data = SpeciesData.fromJson('20260101T000000Z-0000', species, '0'.repeat(64), json);
data.search('a', 10);
settle();
const after = process.memoryUsage().heapUsed;
process.stdout.write(
  JSON.stringify({ heap_bytes: after - before, estimate_bytes: data.bytes, index_overhead_bytes: data.index.overheadBytes, labels: data.labelCount, json_bytes: json.byteLength }),
);
