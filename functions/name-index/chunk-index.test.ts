/**
 * A chunk's runs against a plain scan of its keys: the bisection compares sampled heads (the
 * first four units as a number) before the keys themselves, so keys that share heads, short
 * keys, and units past Latin-1 (read as 255) are where it could go wrong.
 */
import { describe, expect, it } from 'vitest';
import { chunkJson } from '../../snapshot/refresh/chunks.ts';
import { buildSpeciesModel } from '../../snapshot/refresh/species-model.ts';
import { ChunkIndex } from './chunk-index.ts';

const STEMS = ['a', 'ab', 'abc', 'abcd', 'abcde', 'ÿ', 'ÿa', 'ā', 'ā1', 'α', 'αβ', 'žaba', 'żółw', 'zz', 'z', '𝔸x'];

function chunkOf(labels: readonly string[]): ChunkIndex {
  const rows = labels.map((label, i) => ({ stableId: `ENSTST${String(i).padStart(11, '0')}`, label, location: null }));
  const model = buildSpeciesModel('test', rows, null);
  return new ChunkIndex(chunkJson(model, model.entries));
}

describe('chunk runs', () => {
  it('are the keys a plain scan finds, for prefixes present and absent, short and past Latin-1', () => {
    // Many keys on each head, so that runs start and end between sampled keys.
    const labels = STEMS.flatMap((stem) => Array.from({ length: 13 }, (_, i) => `${stem}${i % 3 === 0 ? '' : i}`));
    const chunk = chunkOf([...new Set(labels)]);
    const keys = Array.from({ length: chunk.size }, (_, i) => chunk.keys.get(i));
    expect(keys.length).toBeGreaterThan(150);
    const prefixes = new Set<string>(['', 'b', 'ÿb', 'ā0', 'α', 'αγ', '𝔸', '\uffff', 'abcdef', 'zzz']);
    for (const key of keys) for (let n = 1; n <= key.length; n++) prefixes.add(key.slice(0, n));
    for (const prefix of prefixes) {
      const from = keys.findIndex((k) => k.slice(0, prefix.length) >= prefix);
      const start = from < 0 ? keys.length : from;
      let end = start;
      while (end < keys.length && keys[end]!.startsWith(prefix)) end++;
      const [runFrom, runTo] = chunk.run(prefix);
      expect({ prefix, run: runTo > runFrom ? [runFrom, runTo] : [] }).toEqual({ prefix, run: end > start ? [start, end] : [] });
      if (end === start) expect({ prefix, runFrom }).toEqual({ prefix, runFrom: start });
    }
  });
});
