/**
 * Warms the query path at module scope: what a species' first query runs (pointer and
 * manifest checks, unxz, object checks, index builds, ranking, typo search, suggestions) runs
 * a few times over on a snapshot of one tiny built-in species (warm-up-data.ts). A cold query's
 * CPU is mostly V8 running that code for the first time, unoptimised; on Workers, module
 * scope runs in the startup budget (1 s) rather than the first request's CPU (10 ms on the
 * Free plan). Only what workerd allows at module scope: no I/O, no Response. Runtime-agnostic.
 */
import { assertManifest, keys, pointerSchema, rootRef, type ObjectRef } from '../snapshot/format.ts';
import type { XzDecoder } from '../snapshot/unxz.ts';
import { decodeObject, type DecodedRoot, type ObjectKind } from './catalog/objects.ts';
import type { ChunkIndex } from './name-index/chunk-index.ts';
import { decodedSpecies, search } from './name-index/search.ts';
import type { TypoIndex } from './name-index/typo-index.ts';
import { WARM_UP_FILES, WARM_UP_SPECIES } from './warm-up-data.ts';

/** A broad prefix (precomputed answer), scanned prefixes, a synonym, stable IDs, typos. */
const QUERIES = ['w', 'wup1', 'AbC2', 'mir', 'alias3', 'old-zn', 'ENSWUPG000000000', 'ENSWUPG00000000012.4', 'wpu12', 'abx1'];

/** Rounds, each decoding every object afresh and answering QUERIES (docs/benchmarks.md, cold start). */
export const WARM_UP_ROUNDS = 2;

const decoder = new TextDecoder();

function file(key: string): Uint8Array {
  const text = WARM_UP_FILES[key];
  if (text === undefined) throw new Error(`the warm-up snapshot lacks ${key}; run scripts/warm-up-data.ts`);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Resolves to the length of the answers' JSON (so that none of the work is dead code). */
export async function warmUp(xz: XzDecoder, rounds = WARM_UP_ROUNDS): Promise<number> {
  let made = 0;
  for (let r = 0; r < rounds; r++) {
    const pointer = pointerSchema.parse(JSON.parse(decoder.decode(file(keys.pointer))));
    const manifest: unknown = JSON.parse(decoder.decode(file(pointer.manifest)));
    assertManifest(manifest);
    const decode = (ref: ObjectRef, kind: ObjectKind, first?: string) => decodeObject(kind, WARM_UP_SPECIES, xz.decode(file(ref.key), ref.json_bytes), first).value;
    const { root, covering } = decode(manifest.species[WARM_UP_SPECIES]!.root, 'root') as DecodedRoot;
    // Each object decoded once per round, as a cold query decodes what it reads.
    const chunks = root.chunks.map((c) => decode(rootRef(root, c), 'chunk') as ChunkIndex);
    const answers = new Map((root.answers ?? []).map((a) => [a, decode(rootRef(root, a), 'chunk') as ChunkIndex]));
    const typos = new Map(root.typos.map((t) => [t[0], decode(rootRef(root, t), 'typos', t[0]) as TypoIndex]));
    const species = decodedSpecies({ root, covering, chunks, answers, typos });
    for (const q of QUERIES) made += JSON.stringify(await search(species, q, 10)).length;
  }
  return made + settleYoungGeneration();
}

/** Short-lived objects allocated after the warm-up (docs/design.md, "Warm code at module scope"). */
export const SETTLE_OBJECTS = 100_000;

/**
 * The warm-up leaves objects that live on (compiled code's metadata, feedback, module state) in
 * V8's young generation. The first scavenge after it copies them all, a few milliseconds, and
 * without this it falls in the first request. V8 offers no gc() here; allocating this many
 * short-lived objects makes those first scavenges happen now, at module scope, after which
 * scavenges find little alive and cost little.
 */
function settleYoungGeneration(): number {
  // Stored, so that an optimizing compiler cannot leave them out; overwritten, so they die young.
  const ring: { i: number; pair: number[] }[] = new Array(64);
  for (let i = 0; i < SETTLE_OBJECTS; i++) ring[i & 63] = { i, pair: [i, i + 1] };
  return ring[0]!.pair.length - 2;
}
