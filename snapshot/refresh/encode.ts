/**
 * A species model → its objects (chunks, then the root that lists them) as xz bytes with
 * their sizes, named by the SHA-256 of their JSON. Node only.
 */
import { createHash } from 'node:crypto';
import { FORMAT_VERSION, hashOfKey, keys, OBJECT_HASH_LENGTH, versionOfKey, type Chunk, type ObjectRef, type RootEntry, type SpeciesRoot, type TypoObject } from '../format.ts';
import type { XzDecoder } from '../unxz.ts';
import { speciesChunks, typoObjects } from './chunks.ts';
import type { SpeciesModel } from './species-model.ts';
import { xzCompress, type XzOptions } from './xz-encode.ts';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** An object to upload (bytes null: an equal object exists already, under `ref.key`). */
export interface EncodedObject {
  ref: ObjectRef;
  bytes: Uint8Array | null;
}

export interface EncodedSpecies {
  species: string;
  labels: number;
  rows: number;
  skipped: number;
  core: { source: string } | null;
  root: ObjectRef;
  /** Every object the root needs, the root last. */
  objects: EncodedObject[];
}

export interface EncodeOptions extends XzOptions {
  /** The version being written: new objects go under it. */
  version: string;
  /** Objects of earlier versions by JSON hash: equal content is referred to, not re-encoded. */
  known?: ReadonlyMap<string, ObjectRef>;
  /** Decode the result with this (the edge's) decoder and compare, so a broken object never leaves. */
  verifyWith?: XzDecoder;
}

const utf8 = new TextEncoder();
/** Where objects' JSON is encoded: one buffer reused per thread rather than one per object. */
let scratch: Uint8Array | null = new Uint8Array(1 << 20);

/** Encodes one JSON value as an object of `species`, or finds it among the known ones. */
export async function encodeObject(species: string, value: Chunk | SpeciesRoot | TypoObject, options: EncodeOptions): Promise<EncodedObject> {
  const text = JSON.stringify(value);
  // Taken while this object is encoded (species encoded inline can interleave at the awaits).
  let buffer = scratch;
  scratch = null;
  if (!buffer || buffer.byteLength < text.length * 3) buffer = new Uint8Array(Math.max(text.length * 3, buffer?.byteLength ?? 0));
  try {
    return await encodeBytes(species, buffer.subarray(0, utf8.encodeInto(text, buffer).written), options);
  } finally {
    scratch = buffer;
  }
}

async function encodeBytes(species: string, json: Uint8Array, options: EncodeOptions): Promise<EncodedObject> {
  const hash = sha256Hex(json).slice(0, OBJECT_HASH_LENGTH);
  const known = options.known?.get(hash);
  if (known && known.json_bytes === json.byteLength) return { ref: known, bytes: null };
  const bytes = await xzCompress(json, options);
  if (options.verifyWith) {
    const back = options.verifyWith.decode(bytes);
    if (Buffer.compare(back, json) !== 0) throw new Error(`xz round trip of an object of ${species} does not give back its JSON`);
  }
  return { ref: { key: keys.object(options.version, species, hash), bytes: bytes.byteLength, json_bytes: json.byteLength }, bytes };
}

export async function encodeSpecies(model: SpeciesModel, core: { source: string } | null, options: EncodeOptions): Promise<EncodedSpecies> {
  const objects: EncodedObject[] = [];
  const encode = async (value: Chunk | TypoObject) => {
    const object = await encodeObject(model.species, value, options);
    objects.push(object);
    return object.ref;
  };
  const answers: RootEntry[] = [];
  const root: SpeciesRoot = {
    format: FORMAT_VERSION,
    species: model.species,
    labels: model.labels.length,
    versions: [],
    chunks: [],
    typos: [],
    answers,
  };
  const entry = (first: string, ref: ObjectRef): RootEntry => {
    const version = versionOfKey(ref.key);
    if (!root.versions.includes(version)) root.versions.push(version);
    return [first, root.versions.indexOf(version), hashOfKey(ref.key), ref.bytes, ref.json_bytes];
  };
  // Chunks and answer objects as the builder makes them, one at a time, then typo objects, each
  // let go once encoded.
  const built = speciesChunks(model);
  for (const { first, chunk } of built.chunks) root.chunks.push(entry(first, await encode(chunk)));
  for (const { first, chunk } of built.answers) answers.push(entry(first, await encode(chunk)));
  // In first-character order, as readers bisect them.
  const typos: (TypoObject | null)[] = typoObjects(model).sort((a, b) => (a.first < b.first ? -1 : 1));
  for (let i = 0; i < typos.length; i++) {
    const typo = typos[i]!;
    typos[i] = null;
    root.typos.push(entry(typo.first, await encode(typo)));
  }
  const rootObject = await encodeObject(model.species, root, options);
  objects.push(rootObject);
  return {
    species: model.species,
    labels: model.labels.length,
    rows: model.rows,
    skipped: model.skipped,
    core,
    root: rootObject.ref,
    objects,
  };
}
