/**
 * `node test/support/build-fixture.ts <dir>`: the two-version snapshot the workerd tests use:
 * all 19 species, then a second version of homo_sapiens and mus_musculus only, where BRCA1 has
 * moved (so human's root and a few of its chunks are new, its other objects are shared, and
 * mouse is unchanged). Prints the two pointer bodies as a JSON array. Run as a subprocess: the
 * workers project resolves packages for workerd, where the native xz encoder does not load.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { keys } from '../../snapshot/format.ts';
import { buildSnapshotDir, SAMPLE_TSV } from './sample.ts';

export const MOVED = { label: 'BRCA1', location: '17:1-2' };

const dir = process.argv[2];
if (!dir) throw new Error('usage: node test/support/build-fixture.ts <dir>');
await buildSnapshotDir({ dir });
const first = await readFile(`${dir}/${keys.pointer}`, 'utf8');
const lines = gunzipSync(await readFile(SAMPLE_TSV)).toString('utf8').split('\n');
const header = lines[0]!.split('\t');
const [label, location] = [header.indexOf('display_label'), header.indexOf('location')];
const moved = lines.map((line, i) => {
  const fields = line.split('\t');
  if (i === 0 || fields[label] !== MOVED.label || fields[0] !== 'homo_sapiens') return line;
  fields[location] = MOVED.location;
  return fields.join('\t');
});
const tsv = `${dir}.moved.tsv`;
await writeFile(tsv, moved.join('\n'));
await buildSnapshotDir({ dir, tsv, species: (s) => s === 'homo_sapiens' || s === 'mus_musculus' });
const second = await readFile(`${dir}/${keys.pointer}`, 'utf8');
process.stdout.write(JSON.stringify([first, second]));
