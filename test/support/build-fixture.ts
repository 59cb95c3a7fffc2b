/**
 * `node test/support/build-fixture.ts <dir>`: the two-version snapshot the workerd tests use
 * (all 19 species, then a second version of homo_sapiens and mus_musculus only). Prints the
 * two pointer bodies as a JSON array. Run as a subprocess: the workers project resolves
 * packages for workerd, where the native xz encoder does not load.
 */
import { readFile } from 'node:fs/promises';
import { keys } from '../../snapshot/format.ts';
import { buildSnapshotDir } from './sample.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node test/support/build-fixture.ts <dir>');
await buildSnapshotDir({ dir });
const first = await readFile(`${dir}/${keys.pointer}`, 'utf8');
await buildSnapshotDir({ dir, species: (s) => s === 'homo_sapiens' || s === 'mus_musculus' });
const second = await readFile(`${dir}/${keys.pointer}`, 'utf8');
process.stdout.write(JSON.stringify([first, second]));
