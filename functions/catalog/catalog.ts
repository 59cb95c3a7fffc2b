/**
 * The snapshot as one isolate sees it: the current pointer and manifest, re-checked at most
 * every `refreshSeconds`, and the objects queries need (species roots, chunks, typo indexes)
 * loaded lazily into one byte-budgeted LRU keyed by object key. Objects are content-addressed,
 * so one that did not change between versions is simply still there. Runtime-agnostic: it is
 * given a SnapshotSource, an xz decoder and a clock.
 *
 * Failure policy: an object that fails (missing, truncated, corrupt, sha-mismatched,
 * undecodable, malformed) is retried after `retrySeconds`, never remembered for longer; the
 * species' last good version keeps answering meanwhile. Loads are not shared between requests:
 * in Workers a request that awaits another request's promise can be cancelled with it.
 */
import { answerEntry, assertManifest, hashOfKey, keys, OBJECT_HASH_LENGTH, pointerSchema, rootRef, typoEntry, type Manifest, type ObjectRef, type Pointer, type SpeciesEntry, type SpeciesRoot } from '../../snapshot/format.ts';
import type { XzDecoder } from '../../snapshot/unxz.ts';
import type { ChunkIndex } from '../name-index/chunk-index.ts';
import { search, type SearchPage, type SpeciesChunks } from '../name-index/search.ts';
import { emptyTypoIndex, type TypoIndex } from '../name-index/typo-index.ts';
import { ByteBudgetLru } from './lru.ts';
import { decodeObject, type Decoded, type DecodedRoot } from './objects.ts';
import type { SnapshotSource } from './source.ts';

export interface CatalogOptions {
  refreshSeconds: number;
  retrySeconds: number;
  memoryBudgetBytes: number;
  /** Milliseconds; injectable for tests. */
  now?: () => number;
}

export interface Snapshot {
  pointer: Pointer;
  manifest: Manifest;
}

/** An answer and the snapshot version it belongs to. */
export interface Answered {
  page: SearchPage;
  /** The current version, or an older one while a failed load leaves the species' last good version answering. */
  version: string;
}

/** No snapshot could be read and none was loaded before, or a species has nothing to answer from. */
export class SnapshotUnavailableError extends Error {
  override name = 'SnapshotUnavailableError';
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class UnknownSpeciesError extends Error {
  override name = 'UnknownSpeciesError';
  readonly species: string;
  constructor(species: string) {
    super(`unknown species: ${species}`);
    this.species = species;
  }
}

/** An object could not be loaded (as opposed to a bug while answering). */
class ObjectError extends Error {
  override name = 'ObjectError';
}

interface Failure {
  at: number;
  message: string;
}

type Loaded = Decoded & { species: string };

export type HealthStatus = 'ok' | 'degraded' | 'unavailable';

export interface CatalogHealth {
  status: HealthStatus;
  snapshot: Snapshot | null;
  /** Species with objects in memory: how many and their estimated bytes. */
  loadedSpecies: { species: string; objects: number; bytes: number }[];
  memoryBytes: number;
  /** WASM memory of the xz decoder: its high-water mark, since linear memory never shrinks. */
  xzMemoryBytes: number;
  errors: string[];
}

const decoder = new TextDecoder();
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
/** Object names hold the first bytes of the SHA-256 (OBJECT_HASH_LENGTH hex digits). */
const OBJECT_HASH_BYTES = OBJECT_HASH_LENGTH / 2;

/** The typo index of a first character no name starts with. */
const EMPTY_TYPOS = emptyTypoIndex();

export class SnapshotCatalog {
  private readonly source: SnapshotSource;
  private readonly xz: XzDecoder;
  private readonly refreshMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;
  private readonly objects: ByteBudgetLru<string, Loaded>;
  private current: Snapshot | null = null;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private pointerFailure: Failure | null = null;
  /** Keyed by object key: a failure belongs to those exact bytes. */
  private readonly failures = new Map<string, Failure>();
  /** Per species, the version and entry that last answered: the fallback while a newer one fails. */
  private readonly lastGood = new Map<string, { version: string; entry: SpeciesEntry }>();

  constructor(source: SnapshotSource, xz: XzDecoder, options: CatalogOptions) {
    this.source = source;
    this.xz = xz;
    this.refreshMs = options.refreshSeconds * 1000;
    this.retryMs = options.retrySeconds * 1000;
    this.now = options.now ?? Date.now;
    this.objects = new ByteBudgetLru(options.memoryBudgetBytes);
  }

  get retryAfterSeconds(): number {
    return Math.ceil(this.retryMs / 1000);
  }

  /** Whether the pointer is due for a re-check: refreshSeconds after a good read, retrySeconds after a failed one. */
  private checkDue(now: number): boolean {
    const interval = this.current && !this.pointerFailure ? this.refreshMs : this.retryMs;
    return now - this.checkedAt >= interval;
  }

  /** The current snapshot if it needs no re-check now (no I/O, no await), else null. */
  fresh(): Snapshot | null {
    return this.current && !this.checkDue(this.now()) ? this.current : null;
  }

  /** The current snapshot, re-reading the pointer when it is older than refreshSeconds. */
  async snapshot(): Promise<Snapshot> {
    const now = this.now();
    if (!this.checkDue(now)) {
      if (this.current) return this.current;
      throw new SnapshotUnavailableError(`no snapshot available: ${this.pointerFailure?.message}`, this.retryAfterSeconds);
    }
    // With a snapshot in hand, concurrent requests keep using it while one re-checks.
    if (this.current) this.checkedAt = now;
    try {
      this.adopt(await this.readSnapshot());
      this.pointerFailure = null;
    } catch (error) {
      this.pointerFailure = { at: now, message: messageOf(error) };
      if (!this.current) {
        throw new SnapshotUnavailableError(`no snapshot available: ${this.pointerFailure.message}`, this.retryAfterSeconds);
      }
    } finally {
      this.checkedAt = now;
    }
    return this.current!;
  }

  private async readSnapshot(): Promise<Snapshot> {
    const pointerBytes = await this.source.get(keys.pointer);
    if (!pointerBytes) throw new Error(`${this.source.description} has no ${keys.pointer}`);
    const pointer = pointerSchema.parse(JSON.parse(decoder.decode(pointerBytes)));
    if (this.current?.pointer.version === pointer.version) return { pointer, manifest: this.current.manifest };
    const manifestBytes = await this.source.get(pointer.manifest);
    if (!manifestBytes) throw new Error(`pointer names ${pointer.manifest}, which is missing`);
    const manifest: unknown = JSON.parse(decoder.decode(manifestBytes));
    assertManifest(manifest);
    if (manifest.version !== pointer.version) {
      throw new Error(`manifest ${pointer.manifest} is version ${manifest.version}, pointer says ${pointer.version}`);
    }
    return { pointer, manifest };
  }

  private adopt(next: Snapshot): void {
    if (this.current?.manifest.version !== next.manifest.version) {
      // Species dropped from the new version leave memory now; unchanged objects of the others
      // stay (same keys), changed ones are loaded as they are asked for.
      for (const [key, loaded] of [...this.objects.entries()]) {
        if (!SnapshotCatalog.hasSpecies(next.manifest, loaded.species)) this.objects.delete(key);
      }
      for (const species of [...this.lastGood.keys()]) {
        if (!SnapshotCatalog.hasSpecies(next.manifest, species)) this.lastGood.delete(species);
      }
    }
    this.current = next;
  }

  /** Whether a manifest lists this species (own keys only: `__proto__` is not a species). */
  static hasSpecies(manifest: Manifest, name: string): boolean {
    return Object.hasOwn(manifest.species, name);
  }

  /** Answers a query against a species of the current snapshot, loading what it needs. */
  async search(name: string, q: string, limit: number): Promise<Answered> {
    const { manifest } = await this.snapshot();
    if (!SnapshotCatalog.hasSpecies(manifest, name)) throw new UnknownSpeciesError(name);
    const entry = manifest.species[name]!;
    try {
      const page = await search(await this.view(name, entry), q, limit);
      this.lastGood.set(name, { version: manifest.version, entry });
      return { page, version: manifest.version };
    } catch (error) {
      if (!(error instanceof ObjectError)) throw error;
      const good = this.lastGood.get(name);
      if (good && good.entry.root.key !== entry.root.key) {
        try {
          return { page: await search(await this.view(name, good.entry), q, limit), version: good.version };
        } catch (fallback) {
          if (!(fallback instanceof ObjectError)) throw fallback;
        }
      }
      throw new SnapshotUnavailableError(`species ${name} is unavailable: ${error.message}`, this.retryAfterSeconds);
    }
  }

  /** A species of one version as the search reads it: its root, then chunks and typo index on demand. */
  private async view(species: string, entry: SpeciesEntry): Promise<SpeciesChunks> {
    const { root, covering } = await this.load(entry.root, 'root', species);
    return {
      covering: (prefix) => covering.run(prefix),
      chunk: (i) => this.load(rootRef(root, root.chunks[i]!), 'chunk', species),
      answers: async (prefix) => {
        const entry = answerEntry(root, prefix);
        return entry ? this.load(rootRef(root, entry), 'chunk', species) : null;
      },
      typos: async (first) => {
        const entry = typoEntry(root, first);
        return entry ? this.load(rootRef(root, entry), 'typos', species, first) : EMPTY_TYPOS;
      },
    };
  }

  /** Loads, verifies and parses one object, or answers it from memory. */
  private async load(ref: ObjectRef, kind: 'root', species: string): Promise<DecodedRoot>;
  private async load(ref: ObjectRef, kind: 'chunk', species: string): Promise<ChunkIndex>;
  private async load(ref: ObjectRef, kind: 'typos', species: string, first: string): Promise<TypoIndex>;
  private async load(ref: ObjectRef, kind: Loaded['kind'], species: string, first = ''): Promise<Loaded['value']> {
    const cached = this.objects.get(ref.key);
    if (cached) return cached.value;
    const now = this.now();
    const failure = this.failures.get(ref.key);
    if (failure && now - failure.at < this.retryMs) throw new ObjectError(failure.message);
    let loaded: Loaded;
    try {
      loaded = { ...decodeObject(kind, species, await this.fetchJson(ref), first), species };
    } catch (error) {
      const message = messageOf(error);
      this.failures.set(ref.key, { at: now, message });
      throw new ObjectError(message);
    }
    this.failures.delete(ref.key);
    this.objects.set(ref.key, loaded);
    return loaded.value;
  }

  /** The object's JSON: its size checked, decoded no further than its reference allows, its SHA-256 checked against its name. */
  private async fetchJson(ref: ObjectRef): Promise<Uint8Array> {
    const bytes = await this.source.get(ref.key);
    if (!bytes) throw new Error(`${ref.key} is missing`);
    if (bytes.byteLength !== ref.bytes) throw new Error(`${ref.key} has ${bytes.byteLength} bytes, its reference says ${ref.bytes}`);
    const json = this.xz.decode(bytes, ref.json_bytes);
    if (json.byteLength !== ref.json_bytes) throw new Error(`${ref.key} decodes to ${json.byteLength} bytes, its reference says ${ref.json_bytes}`);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', json));
    let hex = '';
    for (let i = 0; i < OBJECT_HASH_BYTES; i++) hex += HEX[digest[i]!];
    if (hex !== hashOfKey(ref.key)) throw new Error(`${ref.key} fails its SHA-256 check`);
    return json;
  }

  /** What /health reports. Reads the pointer if due, but never loads a species. */
  async health(): Promise<CatalogHealth> {
    let snapshot: Snapshot | null = null;
    const errors: string[] = [];
    try {
      snapshot = await this.snapshot();
    } catch (error) {
      errors.push(messageOf(error));
    }
    if (snapshot && this.pointerFailure) errors.push(`pointer check failed: ${this.pointerFailure.message}`);
    const now = this.now();
    for (const failure of this.failures.values()) {
      if (now - failure.at < this.retryMs) errors.push(failure.message);
    }
    const status: HealthStatus = !snapshot ? 'unavailable' : errors.length ? 'degraded' : 'ok';
    const bySpecies = new Map<string, { species: string; objects: number; bytes: number }>();
    for (const loaded of this.objects.values()) {
      const s = bySpecies.get(loaded.species) ?? { species: loaded.species, objects: 0, bytes: 0 };
      s.objects++;
      s.bytes += loaded.bytes;
      bySpecies.set(loaded.species, s);
    }
    return { status, snapshot, loadedSpecies: [...bySpecies.values()], memoryBytes: this.objects.bytes, xzMemoryBytes: this.xz.memoryBytes, errors };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
