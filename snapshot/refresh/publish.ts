/**
 * Atomic publication of a snapshot version into an ObjectStore.
 *
 * Every new object and the manifest go under a fresh immutable `v/<version>/` prefix (objects
 * equal to ones of earlier versions are referred to where they are); the pointer is written
 * last, with compare-and-swap against the pointer read at the start. Readers
 * therefore see the old version or the new one, never a mix, and of two concurrent refreshes
 * one wins while the other fails with PreconditionFailedError, leaving an orphan version that
 * pruning removes later.
 */
import { randomBytes } from 'node:crypto';
import {
  FORMAT_VERSION,
  keys,
  manifestSchema,
  newVersion,
  pointerSchema,
  type Manifest,
  type Pointer,
  type SnapshotSource,
  type SpeciesEntry,
} from '../format.ts';
import type { EncodedSpecies } from './encode.ts';
import { StorageError, type ObjectStore } from './store.ts';
import { compareCodeUnits } from '../natural.ts';

const JSON_TYPE = 'application/json';
const XZ_TYPE = 'application/x-xz';

export interface CurrentSnapshot {
  pointer: Pointer;
  etag: string;
  manifest: Manifest;
}

/** Reads the current pointer and its manifest, or null when the store holds no snapshot yet. */
export async function readCurrent(store: ObjectStore): Promise<CurrentSnapshot | null> {
  const object = await store.get(keys.pointer);
  if (!object) return null;
  const pointer = pointerSchema.parse(JSON.parse(new TextDecoder().decode(object.body)));
  const manifestObject = await store.get(pointer.manifest);
  if (!manifestObject) throw new Error(`${store.description}: pointer names ${pointer.manifest}, which is missing`);
  const manifest = manifestSchema.parse(JSON.parse(new TextDecoder().decode(manifestObject.body)));
  return { pointer, etag: object.etag, manifest };
}

export interface PublishOptions {
  source: SnapshotSource;
  now?: Date;
  /** Read every object back after writing it and compare (default true). */
  verify?: boolean;
}

/** Reads `key` back and checks it holds exactly the bytes written. */
export async function verifyObject(store: ObjectStore, key: string, written: Uint8Array): Promise<void> {
  const object = await store.get(key);
  if (!object) throw new StorageError('failed', `verification: ${store.description} lost ${key} right after writing it`);
  if (Buffer.compare(object.body, written) !== 0) {
    throw new StorageError(
      'failed',
      `verification: ${key} reads back as ${object.body.byteLength} bytes that differ from the ${written.byteLength} bytes written`,
    );
  }
}

/** A version being written. Call putSpecies per species, then commit; nothing is visible before. */
export class Publication {
  readonly version: string;
  readonly species: Record<string, SpeciesEntry> = {};
  /** Etag of the pointer when we started (null: there was none); the commit's precondition. */
  readonly baseEtag: string | null;
  private readonly store: ObjectStore;
  private readonly options: PublishOptions;
  private readonly created: Date;

  constructor(store: ObjectStore, options: PublishOptions, baseEtag: string | null) {
    this.store = store;
    this.options = options;
    this.baseEtag = baseEtag;
    this.created = options.now ?? new Date();
    this.version = newVersion(this.created, randomBytes(3).toString('hex'));
  }

  /** Keys written so far (what discard() removes). */
  readonly written: string[] = [];

  /** Uploads (and reads back) the species' new objects, then records it for the manifest. */
  async putSpecies(species: EncodedSpecies, inputHash: string): Promise<SpeciesEntry> {
    for (const { ref, bytes } of species.objects) {
      if (!bytes) continue;
      this.written.push(ref.key);
      await this.store.put(ref.key, bytes, { contentType: XZ_TYPE });
      if (this.options.verify !== false) await verifyObject(this.store, ref.key, bytes);
    }
    const refs = species.objects.map((o) => o.ref);
    const entry: SpeciesEntry = {
      labels: species.labels,
      rows: species.rows,
      core: species.core,
      root: species.root,
      objects: { count: refs.length, bytes: refs.reduce((n, r) => n + r.bytes, 0), json_bytes: refs.reduce((n, r) => n + r.json_bytes, 0) },
      input_hash: inputHash,
    };
    this.species[species.species] = entry;
    return entry;
  }

  /** Records a species as the current snapshot has it: its input did not change, nothing is written. */
  reuseSpecies(species: string, entry: SpeciesEntry): void {
    this.species[species] = entry;
  }

  manifest(): Manifest {
    const species = Object.fromEntries(Object.entries(this.species).sort(([a], [b]) => compareCodeUnits(a, b)));
    return manifestSchema.parse({
      format: FORMAT_VERSION,
      version: this.version,
      created: this.created.toISOString(),
      source: this.options.source,
      species,
    });
  }

  /**
   * Writes the manifest (and checks it reads back), then swaps the pointer to this version
   * with compare-and-swap against the pointer read at the start: PreconditionFailedError when
   * another refresh got there first. `beforePointer` runs between the two (last abort check).
   */
  async commit(beforePointer?: () => void): Promise<Pointer> {
    const manifest = this.manifest();
    const manifestKey = keys.manifest(this.version);
    const body = encodeJson(manifest);
    this.written.push(manifestKey);
    await this.store.put(manifestKey, body, { contentType: JSON_TYPE });
    if (this.options.verify !== false) await verifyObject(this.store, manifestKey, body);
    beforePointer?.();
    const pointer: Pointer = {
      format: FORMAT_VERSION,
      version: this.version,
      manifest: manifestKey,
      published: new Date().toISOString(),
    };
    await this.store.put(keys.pointer, encodeJson(pointer), { contentType: JSON_TYPE, ifMatch: this.baseEtag });
    return pointer;
  }

  /** Best effort: removes what this unpublished version wrote (after a guard refusal). */
  async discard(): Promise<void> {
    if (this.written.length) await this.store.delete([...this.written]);
  }
}

function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 1)}\n`);
}
