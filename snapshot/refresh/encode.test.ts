import { describe, expect, it } from 'vitest';
import { ChunkIndex } from '../../functions/name-index/chunk-index.ts';
import { assertRoot, listedObjects, OBJECT_HASH_LENGTH, rootRef } from '../format.ts';
import { encodeSpecies } from './encode.ts';
import { buildSpeciesModel } from './species-model.ts';
import { nodeXzDecoder } from './xz-node.ts';

const VERSION = '20261201T000000Z-abcd';
const model = buildSpeciesModel(
  'homo_sapiens',
  [
    { stableId: 'ENSG1', label: 'BRCA1', location: '17:1-2' },
    { stableId: 'ENSG2', label: 'BRCA2', location: null },
  ],
  new Map([['ENSG1', { biotype: 'protein_coding', group: 'coding', synonyms: ['IRIS'] }]]),
);
const xz = nodeXzDecoder();
const json = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(xz.decode(bytes)));

describe('encodeSpecies', () => {
  it('writes chunks and a root that lists them, each named by the hash of its JSON under the version', async () => {
    const encoded = await encodeSpecies(model, { source: 'core.tsv' }, { version: VERSION });
    expect(encoded).toMatchObject({ species: 'homo_sapiens', labels: 2, rows: 2, skipped: 0, core: { source: 'core.tsv' } });
    expect(encoded.objects.at(-1)!.ref).toEqual(encoded.root);
    for (const { ref, bytes } of encoded.objects) {
      expect(ref.key).toMatch(new RegExp(`^v/${VERSION}/homo_sapiens/[0-9a-f]{${OBJECT_HASH_LENGTH}}\\.json\\.xz$`));
      expect(bytes!.byteLength).toBe(ref.bytes);
      expect(xz.decode(bytes!).byteLength).toBe(ref.json_bytes);
    }
    const root = json(encoded.objects.at(-1)!.bytes!);
    assertRoot(root, 'homo_sapiens');
    // Its chunks (no answer objects: two labels), then a typo object per first character of a name (b for BRCA1, i for IRIS).
    expect(listedObjects(root).map((e) => rootRef(root, e))).toEqual(encoded.objects.slice(0, -1).map((o) => o.ref));
    expect(root.typos.map((t) => t[0])).toEqual(['b', 'i']);
    const chunk = ChunkIndex.fromJson('homo_sapiens', xz.decode(encoded.objects[0]!.bytes!));
    expect(chunk.label(0)).toBe('BRCA1');
    expect(chunk.biotypeOf(0)).toBe('protein_coding');
  });

  it('refers to known objects instead of encoding them again', async () => {
    const first = await encodeSpecies(model, null, { version: VERSION });
    const known = new Map(first.objects.map((o) => [o.ref.key.split('/').pop()!.replace('.json.xz', ''), o.ref]));
    const again = await encodeSpecies(model, null, { version: '20261202T000000Z-abcd', known });
    expect(again.objects.map((o) => o.bytes)).toEqual(first.objects.map(() => null));
    expect(again.root).toEqual(first.root);
  });

  it('verifies the xz bytes with the given decoder before they leave', async () => {
    await expect(encodeSpecies(model, null, { version: VERSION, verifyWith: xz })).resolves.toMatchObject({ labels: 2 });
    const lying = { decode: () => new Uint8Array([123]), memoryBytes: 0 };
    await expect(encodeSpecies(model, null, { version: VERSION, verifyWith: lying })).rejects.toThrow(/round trip of an object of homo_sapiens/);
  });
});
