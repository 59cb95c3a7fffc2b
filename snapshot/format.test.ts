import { describe, expect, it } from 'vitest';
import { assertManifest, manifestSchema } from './format.ts';

const entry = {
  labels: 3,
  rows: 4,
  core: { source: 'homo_sapiens_core_115_38' },
  root: { key: 'v/20261203T150026Z-1dd4ea/homo_sapiens/0123456789abcdef.json.xz', bytes: 10, json_bytes: 20 },
  objects: { count: 5, bytes: 100, json_bytes: 400 },
  input_hash: '0123456789abcdef0123',
};
const manifest = {
  format: 2,
  version: '20261203T150026Z-1dd4ea',
  created: '2026-12-03T15:00:26.123Z',
  source: { kind: 'mysql', database: 'ensembl_autocomplete_115', release: 115 },
  species: { homo_sapiens: entry, mus_musculus: { ...entry, core: null } },
};

/** A copy of the manifest with the value at `path` replaced (undefined: removed). */
function variant(path: string[], value: unknown): unknown {
  const copy = structuredClone(manifest) as Record<string, any>;
  let at = copy;
  for (const step of path.slice(0, -1)) at = at[step];
  if (value === undefined) delete at[path.at(-1)!];
  else at[path.at(-1)!] = value;
  return copy;
}

const verdict = (value: unknown) => {
  try {
    assertManifest(value);
    return true;
  } catch {
    return false;
  }
};

describe('assertManifest', () => {
  it('agrees with manifestSchema on a valid manifest and on every field broken in turn', () => {
    const bad: unknown[] = [null, 7, 'x', [], {}, '', -1, 1.5, 0, true, [1], { source: 1 }, '2026-12-03', '2026-02-30T15:19:00Z', '2026-12-03T25:00:00Z', '2026-12-03T15:19Z', '2026-12-03T15:19:00+01:00', 'v/x.json.xz', 'HOMO', '0123', entry, undefined];
    const paths = [
      ['format'],
      ['version'],
      ['created'],
      ['source'],
      ['source', 'kind'],
      ['source', 'database'],
      ['source', 'release'],
      ['species'],
      ['species', 'homo_sapiens'],
      ...['labels', 'rows', 'core', 'root', 'objects', 'input_hash'].map((f) => ['species', 'homo_sapiens', f]),
      ['species', 'homo_sapiens', 'core', 'source'],
      ...['key', 'bytes', 'json_bytes'].map((f) => ['species', 'homo_sapiens', 'root', f]),
      ...['count', 'bytes', 'json_bytes'].map((f) => ['species', 'homo_sapiens', 'objects', f]),
      ['species', 'Homo sapiens'],
    ];
    expect(verdict(manifest)).toBe(true);
    let rejected = 0;
    for (const path of paths) {
      for (const value of bad) {
        const candidate = variant(path, value);
        const zod = manifestSchema.safeParse(candidate).success;
        expect({ path, value, verdict: verdict(candidate) }).toEqual({ path, value, verdict: zod });
        if (!zod) rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(300);
  });

  it('names what is wrong', () => {
    expect(() => assertManifest(variant(['species', 'homo_sapiens', 'root', 'bytes'], 0))).toThrow(/manifest: species entry "homo_sapiens" is malformed/);
    expect(() => assertManifest(variant(['version'], 'x'))).toThrow(/manifest: version/);
  });
});
