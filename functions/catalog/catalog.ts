/**
 * The snapshot as one isolate sees it: the current pointer and manifest, re-checked at most
 * every `refreshSeconds`, and species loaded lazily into a byte-budgeted LRU. Runtime-agnostic:
 * it is given a SnapshotSource, an xz decoder and a clock.
 *
 * Failure policy: whatever fails (pointer, manifest, a missing, truncated, corrupt or
 * sha-mismatched shard) is retried after `retrySeconds`, never remembered for longer, and
 * the last good data keeps serving meanwhile. Loads are not shared between requests: in
 * Workers a request that awaits another request's promise can be cancelled with it.
 */
import { keys, manifestSchema, pointerSchema, type Manifest, type Pointer, type SpeciesEntry } from '../../snapshot/format.ts';
import type { XzDecoder } from '../../snapshot/unxz.ts';
import { ByteBudgetLru } from './lru.ts';
import type { SnapshotSource } from './source.ts';
import { SpeciesData } from './species-data.ts';

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

/** A species as served: its data and the snapshot version the answer belongs to. */
export interface ServedSpecies {
  data: SpeciesData;
  /** The current version, or an older one while a failed reload leaves its data serving. */
  version: string;
}

/** No snapshot could be read and none was loaded before. */
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

interface Failure {
  at: number;
  message: string;
}

export type HealthStatus = 'ok' | 'degraded' | 'unavailable';

export interface CatalogHealth {
  status: HealthStatus;
  snapshot: Snapshot | null;
  loadedSpecies: { species: string; labels: number; bytes: number }[];
  memoryBytes: number;
  /** WASM memory of the xz decoder: its high-water mark, since linear memory never shrinks. */
  xzMemoryBytes: number;
  errors: string[];
}

const decoder = new TextDecoder();

export class SnapshotCatalog {
  private readonly source: SnapshotSource;
  private readonly xz: XzDecoder;
  private readonly refreshMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;
  private readonly loaded: ByteBudgetLru<string, SpeciesData>;
  private current: Snapshot | null = null;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private pointerFailure: Failure | null = null;
  /** Keyed by shard sha256: a failure belongs to those exact bytes. */
  private readonly shardFailures = new Map<string, Failure>();

  constructor(source: SnapshotSource, xz: XzDecoder, options: CatalogOptions) {
    this.source = source;
    this.xz = xz;
    this.refreshMs = options.refreshSeconds * 1000;
    this.retryMs = options.retrySeconds * 1000;
    this.now = options.now ?? Date.now;
    this.loaded = new ByteBudgetLru(options.memoryBudgetBytes);
  }

  get retryAfterSeconds(): number {
    return Math.ceil(this.retryMs / 1000);
  }

  /** The current snapshot, re-reading the pointer when it is older than refreshSeconds. */
  async snapshot(): Promise<Snapshot> {
    const now = this.now();
    const interval = this.current && !this.pointerFailure ? this.refreshMs : this.retryMs;
    if (now - this.checkedAt < interval) {
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
    const manifest = manifestSchema.parse(JSON.parse(decoder.decode(manifestBytes)));
    if (manifest.version !== pointer.version) {
      throw new Error(`manifest ${pointer.manifest} is version ${manifest.version}, pointer says ${pointer.version}`);
    }
    return { pointer, manifest };
  }

  private adopt(next: Snapshot): void {
    if (this.current?.manifest.version !== next.manifest.version) {
      // Species dropped from the new version leave memory now; the others are replaced as
      // they are next asked for (or kept as they are when their shard did not change).
      for (const species of [...this.loaded.keys()]) {
        if (!SnapshotCatalog.hasSpecies(next.manifest, species)) this.loaded.delete(species);
      }
    }
    this.current = next;
  }

  /** Whether a manifest lists this species (own keys only: `__proto__` is not a species). */
  static hasSpecies(manifest: Manifest, name: string): boolean {
    return Object.hasOwn(manifest.species, name);
  }

  /** A species of the current snapshot, loading it if needed. */
  async species(name: string): Promise<ServedSpecies> {
    const { manifest } = await this.snapshot();
    const entry = SnapshotCatalog.hasSpecies(manifest, name) ? manifest.species[name] : undefined;
    if (!entry) throw new UnknownSpeciesError(name);
    const cached = this.loaded.get(name);
    // A shard whose bytes did not change between versions is not reloaded.
    if (cached?.sha256 === entry.sha256) return { data: cached, version: manifest.version };
    const stale = cached && { data: cached, version: cached.version };

    const now = this.now();
    const failure = this.shardFailures.get(entry.sha256);
    if (failure && now - failure.at < this.retryMs) {
      if (stale) return stale;
      throw new SnapshotUnavailableError(`species ${name} is unavailable: ${failure.message}`, this.retryAfterSeconds);
    }
    try {
      const data = await this.loadSpecies(manifest.version, name, entry);
      this.shardFailures.delete(entry.sha256);
      this.loaded.set(name, data);
      return { data, version: manifest.version };
    } catch (error) {
      this.shardFailures.set(entry.sha256, { at: now, message: messageOf(error) });
      if (stale) return stale; // the last good version keeps serving
      throw new SnapshotUnavailableError(`species ${name} is unavailable: ${messageOf(error)}`, this.retryAfterSeconds);
    }
  }

  private async loadSpecies(version: string, name: string, entry: SpeciesEntry): Promise<SpeciesData> {
    const bytes = await this.source.get(entry.key);
    if (!bytes) throw new Error(`shard ${entry.key} is missing`);
    if (bytes.byteLength !== entry.bytes) {
      throw new Error(`shard ${entry.key} has ${bytes.byteLength} bytes, the manifest says ${entry.bytes}`);
    }
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    if (sha256 !== entry.sha256) throw new Error(`shard ${entry.key} fails its sha256 check`);
    const json = this.xz.decode(bytes);
    if (json.byteLength !== entry.json_bytes) {
      throw new Error(`shard ${entry.key} decodes to ${json.byteLength} bytes, the manifest says ${entry.json_bytes}`);
    }
    return SpeciesData.fromJson(version, name, entry.sha256, json);
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
    for (const failure of this.shardFailures.values()) {
      if (now - failure.at < this.retryMs) errors.push(failure.message);
    }
    const status: HealthStatus = !snapshot ? 'unavailable' : errors.length ? 'degraded' : 'ok';
    const loadedSpecies = [...this.loaded.values()].map((d) => ({ species: d.species, labels: d.labelCount, bytes: d.bytes }));
    return { status, snapshot, loadedSpecies, memoryBytes: this.loaded.bytes, xzMemoryBytes: this.xz.memoryBytes, errors };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
