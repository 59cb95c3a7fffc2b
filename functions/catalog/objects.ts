/**
 * Decoding one verified object of a snapshot into what the catalog keeps, with the heap
 * estimate its memory budget counts. The benchmark measures these estimates against the heap
 * (scripts/bench/heap-probe.ts), so the catalog and the benchmark share this one definition.
 */
import { assertRoot, type SpeciesRoot } from '../../snapshot/format.ts';
import { ChunkIndex } from '../name-index/chunk-index.ts';
import { Covering } from '../name-index/covering.ts';
import { typoIndexOf, type TypoIndex } from '../name-index/typo-index.ts';

export type ObjectKind = 'root' | 'chunk' | 'typos';

/** A species root, and its chunks as queries find them. */
export interface DecodedRoot {
  root: SpeciesRoot;
  covering: Covering;
}

export type Decoded =
  | { kind: 'root'; bytes: number; value: DecodedRoot }
  | { kind: 'chunk'; bytes: number; value: ChunkIndex }
  | { kind: 'typos'; bytes: number; value: TypoIndex };

const decoder = new TextDecoder();

/** Parses and validates decompressed JSON; `first` is the typo object's first character. */
export function decodeObject(kind: ObjectKind, species: string, json: Uint8Array, first = ''): Decoded {
  if (kind === 'chunk') {
    const value = ChunkIndex.fromJson(species, json);
    return { kind, bytes: value.bytes + FIXED_BYTES.chunk, value };
  }
  const parsed: unknown = JSON.parse(decoder.decode(json));
  if (kind === 'root') {
    assertRoot(parsed, species);
    const covering = new Covering(parsed);
    return { kind, bytes: rootBytes(json.byteLength) + covering.byteLength, value: { root: parsed, covering } };
  }
  const value = typoIndexOf(parsed, species, first);
  return { kind, bytes: value.byteLength + FIXED_BYTES.typos, value };
}

/**
 * What a decoded object costs beyond its strings and arrays (its objects, typed-array headers,
 * maps), as the heap probe measures it; small species hold dozens of tiny typo objects.
 */
const FIXED_BYTES = { chunk: 4096, typos: 1280 } as const;

/** A parsed root: its chunk heads as strings and small objects, about twice its JSON. */
const rootBytes = (jsonBytes: number) => jsonBytes * 2;
