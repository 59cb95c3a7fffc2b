/**
 * A chunk's runs against a plain scan of its keys, and its answer lookup against the answered
 * prefixes: both bisect heads (the first four units as a number) before the strings themselves,
 * so strings that share heads, short ones, NUL units (which must not read as a string's end),
 * and units from 254 on (read as 255) are where they could go wrong.
 */
import { describe, expect, it } from 'vitest';
import { chunkJson } from '../../snapshot/refresh/chunks.ts';
import { buildSpeciesModel } from '../../snapshot/refresh/species-model.ts';
import { ChunkIndex } from './chunk-index.ts';

const STEMS = ['a', 'ab', 'abc', 'abcd', 'abcde', 'a\u0000', 'ab\u0000c', '\u00fd', '\u00fdb', '\u00fe', 'ÿ', 'ÿa', 'ā', 'ā1', 'α', 'αβ', 'žaba', 'żółw', 'zz', 'z', '𝔸x'];

function chunkOf(labels: readonly string[], answered: readonly string[] = []): ChunkIndex {
  const rows = labels.map((label, i) => ({ stableId: `ENSTST${String(i).padStart(11, '0')}`, label, location: null }));
  const model = buildSpeciesModel('test', rows, null);
  return new ChunkIndex(chunkJson(model, model.entries, new Map(answered.map((p) => [p, { total: 0, hits: [] }]))));
}

describe('chunk runs', () => {
  it('are the keys a plain scan finds, and answers are found for their prefixes only, for prefixes present and absent, short and past Latin-1', () => {
    // Many keys on each head, so that runs start and end between sampled keys.
    const labels = STEMS.flatMap((stem) => Array.from({ length: 13 }, (_, i) => `${stem}${i % 3 === 0 ? '' : i}`));
    const answered = [...new Set(labels.map((l) => l.slice(0, 1 + (l.length % 5))))].filter((_, i) => i % 2 === 0);
    const chunk = chunkOf([...new Set(labels)], answered);
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
      // Answers are looked up by heads too.
      expect({ prefix, answered: chunk.answer(prefix, 10) !== null }).toEqual({ prefix, answered: answered.includes(prefix) });
    }
    expect(answered.length).toBeGreaterThan(20);
  });

  it('does not take the answer of a prefix that shares only its head with the query (NUL after it)', () => {
    const chunk = chunkOf(['a', 'a\u0000', 'ab'], ['a\u0000']);
    expect(chunk.answer('a', 10)).toBeNull();
    expect(chunk.answer('a\u0000', 10)).not.toBeNull();
  });
});
