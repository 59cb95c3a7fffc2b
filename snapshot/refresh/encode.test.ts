import { describe, expect, it } from 'vitest';
import { assertShard, FormatError } from '../format.ts';
import { buildShard, encodeShard } from './encode.ts';
import { nodeXzDecoder } from './xz-node.ts';

describe('buildShard', () => {
  const rows = [
    { stableId: 'ENSG2', label: 'BRCA2', location: '13:1-2' },
    { stableId: 'ENSG1', label: 'BRCA1', location: null },
    { stableId: 'ENSG9', label: 'BRCA1', location: '17:5-6' },
    { stableId: 'ENSG9', label: 'BRCA1', location: null }, // duplicate row
    { stableId: 'ENSG3', label: null, location: null },
    { stableId: 'ENSG4', label: '  ', location: null },
    { stableId: 'ENSG5', label: 'brca1', location: null },
  ];

  it('groups distinct labels case-sensitively, in ranking order, skipping NULL and blank labels', () => {
    const { shard, stats } = buildShard('homo_sapiens', rows);
    expect(shard.labels).toEqual(['BRCA1', 'brca1', 'BRCA2']);
    expect(shard.stable_ids).toEqual(['ENSG1 ENSG9', 'ENSG5', 'ENSG2']);
    expect(shard.locations).toEqual([' 17:5-6', '', '13:1-2']);
    expect(stats).toEqual({ rows: 7, skipped: 2 });
  });

  it('omits locations when the source has none', () => {
    const { shard } = buildShard('mus_musculus', [{ stableId: 'ENSMUSG1', label: 'Brca1', location: null }]);
    expect(shard.locations).toBeUndefined();
  });

  it('encodes to xz whose sha256 and sizes describe the bytes', async () => {
    const { shard, stats } = buildShard('homo_sapiens', rows);
    const encoded = await encodeShard(shard, stats);
    const json = nodeXzDecoder().decode(encoded.bytes);
    expect(json.byteLength).toBe(encoded.json_bytes);
    const parsed = JSON.parse(new TextDecoder().decode(json));
    assertShard(parsed, 'homo_sapiens');
    expect(parsed).toEqual(shard);
    expect(encoded.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies the xz bytes with the given decoder before they leave', async () => {
    const { shard, stats } = buildShard('homo_sapiens', rows);
    await expect(encodeShard(shard, stats, { verifyWith: nodeXzDecoder() })).resolves.toMatchObject({ labels: 3 });
    const lying = { decode: () => new Uint8Array([123]), memoryBytes: 0 };
    await expect(encodeShard(shard, stats, { verifyWith: lying })).rejects.toThrow(/round trip of homo_sapiens/);
  });

  it('rejects shards of the wrong shape with a FormatError naming the problem', () => {
    expect(() => assertShard({ format: 1, species: 'x', labels: ['a'], stable_ids: [] }, 'x')).toThrow(/stable_ids must be 1 strings/);
    expect(() => assertShard({ format: 1, species: 'y', labels: [], stable_ids: [] }, 'x')).toThrow(FormatError);
    expect(() => assertShard(null, 'x')).toThrow(/not a JSON object/);
  });
});
