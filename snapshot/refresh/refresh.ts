/**
 * One snapshot refresh, start to finish: read the current snapshot, compare each species'
 * fingerprints (computed by the source, without reading the rows) with what it was published
 * from, stream the rows of the others one species at a time with their core data, encode on
 * worker threads, upload and verify each species' objects under a new version, apply the
 * shrink guard, write the manifest, swap the pointer (compare-and-swap), prune.
 *
 * Whatever fails before the pointer swap (source, storage, guard, Ctrl-C) leaves the pointer
 * untouched; the error is a RefreshError whose kind decides the exit code (errors.ts).
 */
import { EncodePool } from './encode-pool.ts';
import type { CoreSource, SpeciesCore } from './core-data.ts';
import type { EncodedSpecies } from './encode.ts';
import { errorMessage, RefreshError } from './errors.ts';
import { assertRoot, FormatError, hashOfKey, listedObjects, rootRef, SPECIES_PATTERN, type ObjectRef, type Pointer, type SnapshotSource, type SpeciesEntry } from '../format.ts';
import type { XzDecoder } from '../unxz.ts';
import { inputHash, sameFingerprint, unsettledHash, type Fingerprint } from './input-hash.ts';
import { isUsableRow } from './species-model.ts';
import { nodeXzDecoder } from './xz-node.ts';
import { checkShrink, type GuardVerdict } from './guard.ts';
import { pruneVersions, type PruneResult } from './prune.ts';
import { Publication, readCurrent, type CurrentSnapshot } from './publish.ts';
import type { RowSource, SpeciesSummary } from './rows.ts';
import { toJob } from './species-job.ts';
import { PreconditionFailedError, StorageError, type ObjectStore, type PutOptions, type StoredObject } from './store.ts';
import { compareCodeUnits } from '../natural.ts';

export interface SpeciesReport {
  species: string;
  labels: number;
  rows: number;
  /** Rows skipped for a NULL or blank label or stable ID; null when the rows were not read (unchanged). */
  skipped: number | null;
  /** Where its synonyms and biotypes came from, null for labels only. */
  core: string | null;
  /** Size of all its objects (xz), and of those this refresh uploaded. */
  bytes: number;
  uploaded_bytes: number;
  json_bytes: number;
  /** Its input hashed the same as in the current snapshot: published as it was, not rebuilt. */
  reused: boolean;
}

export interface Totals {
  species: number;
  /** Species published with core data (the others: labels only). */
  with_core: number;
  /** Species whose input did not change: not rebuilt, nothing uploaded. */
  reused: number;
  labels: number;
  rows: number;
  /** Rows the source sent (an unchanged species, recognised by its fingerprints, sends none). */
  rows_read: number;
  /** Rows skipped among those read. */
  skipped: number;
  bytes: number;
  uploaded_bytes: number;
  json_bytes: number;
}

export interface SpeciesEvent {
  species: SpeciesReport;
  done: number;
  /** Species expected in all, when the source knows. */
  total: number | null;
  rowsRead: number;
  bytesWritten: number;
}

export interface RefreshEvents {
  start?(info: { source: SnapshotSource; store: string | null; version: string; current: string | null; total: number | null }): void;
  species?(event: SpeciesEvent): void;
  phase?(phase: 'compare' | 'guard' | 'commit' | 'prune', detail: string): void;
  warn?(message: string): void;
}

export interface RefreshOptions {
  /** Opened after the store answered, so a storage problem fails before a long dump. */
  openSource: () => Promise<RowSource>;
  /** Where core data comes from, opened after the row source (null or absent: labels only). */
  openCore?: (source: SnapshotSource) => Promise<CoreSource | null>;
  /** Target; may be null only for a dry run (no guard comparison then). */
  store: ObjectStore | null;
  dryRun?: boolean;
  force?: boolean;
  /** Guard threshold as a fraction (0.1 = 10 %). */
  maxShrink?: number;
  /** Prune to this many old versions after publishing (undefined: no pruning). */
  keep?: number;
  /** Encoder threads (0: encode on the main thread). */
  jobs?: number;
  /** xz preset 0–9. */
  preset?: number;
  signal?: AbortSignal;
  events?: RefreshEvents;
  now?: Date;
}

export interface RefreshSummary {
  dryRun: boolean;
  source: SnapshotSource;
  store: string | null;
  version: string;
  previous: string | null;
  pointer: Pointer | null;
  species: SpeciesReport[];
  totals: Totals;
  guard: GuardVerdict;
  forced: boolean;
  pruned: PruneResult | null;
  warnings: string[];
  elapsedMs: number;
}

/** Accepts and forgets everything: the target of a dry run. */
class NullStore implements ObjectStore {
  readonly description = '(dry run)';
  async get(): Promise<StoredObject | null> {
    return null;
  }
  async put(_key: string, _body: Uint8Array, _options?: PutOptions): Promise<{ etag: string }> {
    return { etag: '' };
  }
  async list(): Promise<string[]> {
    return [];
  }
  async delete(): Promise<void> {}
}

/** Any failure as a RefreshError with the right kind. */
export function toRefreshError(error: unknown, aborted = false): RefreshError {
  if (aborted) return new RefreshError('interrupted', 'interrupted; the current snapshot was left untouched', { cause: error });
  if (error instanceof RefreshError) return error;
  if (error instanceof PreconditionFailedError) {
    return new RefreshError('conflict', `${error.message}; this version was not published`, { cause: error });
  }
  if (error instanceof StorageError) {
    const kind = error.kind === 'access-denied' ? 'storage-access-denied' : error.kind === 'unreachable' ? 'storage-unreachable' : 'storage-failed';
    const prefix = error.kind === 'access-denied' ? 'storage access denied' : error.kind === 'unreachable' ? 'storage unreachable' : 'storage error';
    return new RefreshError(kind, `${prefix}: ${error.message}`, { cause: error });
  }
  return new RefreshError('unexpected', errorMessage(error), { cause: error });
}

/**
 * The objects a species has in the current snapshot (root, chunks, typo objects) by the hash of
 * their JSON, so that a rebuild refers to the unchanged ones instead of uploading them again.
 */
async function knownObjects(store: ObjectStore, species: string, entry: SpeciesEntry): Promise<Map<string, ObjectRef>> {
  const known = new Map([[hashOfKey(entry.root.key), entry.root]]);
  const object = await store.get(entry.root.key);
  if (!object) return known;
  const root: unknown = JSON.parse(new TextDecoder().decode((xz ??= nodeXzDecoder()).decode(object.body)));
  try {
    assertRoot(root, species);
  } catch (error) {
    // A root an earlier build laid out otherwise: its objects cannot be reused anyway.
    if (error instanceof FormatError) return known;
    throw error;
  }
  for (const e of listedObjects(root)) known.set(e[2], rootRef(root, e));
  return known;
}

let xz: XzDecoder | null = null;

/** Any failure of a core source is a core failure (exit code 15), whatever raised it. */
async function fromCore<T>(core: CoreSource, species: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof RefreshError) throw error;
    throw new RefreshError('core-failed', `core data for ${species} from ${core.description}: ${errorMessage(error)}`, { cause: error });
  }
}

type CoreFingerprint = { source: string; fingerprint: Fingerprint };

/**
 * The core fingerprints of `species` (null: no core data), one at a time over the core
 * source's connection; a species is absent when its core data cannot be fingerprinted unread.
 */
async function coreFingerprints(core: CoreSource | null, species: readonly string[], checkAbort: () => void): Promise<Map<string, CoreFingerprint | null>> {
  const out = new Map<string, CoreFingerprint | null>();
  for (const name of species) {
    checkAbort();
    if (!core) out.set(name, null);
    else if (core.fingerprint) out.set(name, await fromCore(core, name, () => core.fingerprint!(name)));
  }
  return out;
}

/**
 * A species' core data with the fingerprint of what was read: the source's own (a TSV), or
 * the source's fingerprint taken before and after the read (MySQL); `settled` is false when
 * those differ, that is when the core data changed while it was read.
 */
async function readCore(core: CoreSource, species: string, known: ReadonlyMap<string, CoreFingerprint | null>) {
  const before = core.fingerprint && !known.has(species) ? await fromCore(core, species, () => core.fingerprint!(species)) : known.get(species);
  const data: SpeciesCore | null = await fromCore(core, species, () => core.lookup(species));
  if (data?.fingerprint) return { core: data, fingerprint: data.fingerprint, settled: true };
  if (!core.fingerprint) return { core: data, fingerprint: null, settled: data === null };
  const after = await fromCore(core, species, () => core.fingerprint!(species));
  const settled = (data === null) === (after === null) && sameFingerprint(before?.fingerprint, after?.fingerprint);
  return { core: data, fingerprint: after?.fingerprint ?? null, settled };
}

export async function refresh(options: RefreshOptions): Promise<RefreshSummary> {
  const started = performance.now();
  const dryRun = options.dryRun ?? false;
  const signal = options.signal;
  const events = options.events ?? {};
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    events.warn?.(message);
  };
  if (!options.store && !dryRun) throw new RefreshError('usage', 'no target: give --out or --bucket (or --dry-run)');
  const checkAbort = () => {
    if (signal?.aborted) throw new RefreshError('interrupted', 'interrupted; the current snapshot was left untouched');
  };

  let source: RowSource | null = null;
  let core: CoreSource | null = null;
  let pool: EncodePool | null = null;
  const onAbort = () => {
    void source?.close();
    void core?.close();
  };
  signal?.addEventListener('abort', onAbort);
  try {
    let current: CurrentSnapshot | null = null;
    if (options.store) {
      try {
        current = await readCurrent(options.store);
      } catch (error) {
        if (error instanceof StorageError) throw error;
        throw new StorageError('failed', `the current snapshot at ${options.store.description} is unreadable: ${errorMessage(error)}`, { cause: error });
      }
    }
    checkAbort();
    source = await options.openSource();
    checkAbort();
    core = (await options.openCore?.(source.source)) ?? null;
    checkAbort();

    const target = dryRun ? new NullStore() : options.store!;
    const publication = new Publication(target, { source: source.source, now: options.now, verify: !dryRun }, current?.etag ?? null);
    events.start?.({
      source: source.source,
      store: options.store?.description ?? null,
      version: publication.version,
      current: current?.pointer.version ?? null,
      total: source.speciesTotal,
    });

    const jobs = options.jobs ?? 0;
    pool = new EncodePool(jobs);
    const preset = options.preset ?? 9;
    const reports: SpeciesReport[] = [];
    let bytesWritten = 0;
    const inflight = new Set<Promise<void>>();
    let failure: unknown = null;
    const limit = Math.max(1, jobs) + 1;

    const record = (entry: SpeciesEntry, species: string, skipped: number | null, uploaded: number, reused: boolean) => {
      const report: SpeciesReport = {
        species,
        labels: entry.labels,
        rows: entry.rows,
        skipped,
        core: entry.core?.source ?? null,
        bytes: entry.objects.bytes,
        uploaded_bytes: uploaded,
        json_bytes: entry.objects.json_bytes,
        reused,
      };
      bytesWritten += uploaded;
      reports.push(report);
      if (entry.labels === 0) warn(`${species}: no usable labels${skipped === null ? '' : ` (${skipped} rows skipped)`}`);
      events.species?.({ species: report, done: reports.length, total: source!.speciesTotal, rowsRead: source!.rowsRead, bytesWritten });
    };

    // Takes the pool's promise, not the job: the job's rows are not kept here while it encodes.
    const putWhenEncoded = async (species: string, encoding: Promise<EncodedSpecies>, inputHash: string) => {
      const encoded = await encoding;
      checkAbort();
      const entry = await publication.putSpecies(encoded, inputHash);
      record(entry, species, encoded.skipped, encoded.objects.reduce((n, o) => n + (o.bytes?.byteLength ?? 0), 0), false);
    };

    const previousOf = (species: string) => (current && Object.hasOwn(current.manifest.species, species) ? current.manifest.species[species]! : null);
    const reuse = (species: string, previous: SpeciesEntry, coreSource: string | null, skipped: number | null) => {
      // Same rows and core data as published: the same objects; only where core data came from may differ.
      const entry = { ...previous, core: coreSource === null ? null : { source: coreSource } };
      publication.reuseSpecies(species, entry);
      record(entry, species, skipped, 0, true);
    };
    const warned = new Set<string>();
    const production = (species: string, rows: number) => {
      if (SPECIES_PATTERN.test(species)) return true;
      if (!warned.has(species)) warn(`species "${species}" skipped: not a production name ([a-z0-9_]+); ${rows} rows`);
      warned.add(species);
      return false;
    };

    // Rows fingerprinted by the source (MySQL) before they are read, and the core fingerprints
    // known by then; species built from rows read, to check against the source afterwards.
    let summaries: Map<string, SpeciesSummary> | null = null;
    const coreBefore = new Map<string, CoreFingerprint | null>();
    const built: string[] = [];
    try {
      let only: string[] | undefined;
      if (source.summarize) {
        // Fingerprints computed where the data lives: a species whose input hashes as published
        // is reused without reading its rows or core data; only the others are streamed.
        const candidates = current && (!core || core.fingerprint) ? (source.speciesList ?? []).filter((species) => previousOf(species) !== null) : [];
        events.phase?.('compare', `fingerprinting ${source.speciesTotal ?? 'the'} species${candidates.length && core ? ` and the core data of ${candidates.length}` : ''} on the server`);
        const [rows, cores] = await Promise.all([source.summarize(), coreFingerprints(core, candidates, checkAbort)]);
        checkAbort();
        summaries = rows;
        only = [];
        let unchanged = 0;
        for (const [species, summary] of [...summaries].sort(([a], [b]) => compareCodeUnits(a, b))) {
          if (!production(species, summary.fingerprint.count)) continue;
          const previous = previousOf(species);
          const coreNow = cores.get(species);
          if (coreNow !== undefined) coreBefore.set(species, coreNow);
          if (previous && coreNow !== undefined && inputHash(species, summary.fingerprint, coreNow?.fingerprint ?? null) === previous.input_hash) {
            reuse(species, previous, coreNow?.source ?? null, null);
            unchanged++;
          } else only.push(...summary.names);
        }
        events.phase?.('compare', `${unchanged} species unchanged, ${summaries.size - unchanged - warned.size} to read`);
        if (unchanged === 0) only = undefined; // all of them: no list
      }

      if (!only || only.length) {
        for await (const group of source.groups(1, only)) {
          checkAbort();
          if (failure) throw failure;
          if (!production(group.species, group.rows.length)) continue;
          const species = group.species;
          const read = core ? await readCore(core, species, coreBefore) : { core: null, fingerprint: null, settled: true };
          checkAbort();
          const rowsFingerprint = group.fingerprint ?? summaries?.get(species)?.fingerprint ?? null;
          const hash = read.settled && rowsFingerprint ? inputHash(species, rowsFingerprint, read.fingerprint) : unsettledHash(species);
          if (!rowsFingerprint) warn(`${species}: its rows appeared after they were fingerprinted; published, and to be rebuilt by the next refresh`);
          if (!read.settled) warn(`${species}: its core data changed while it was read; published, and to be rebuilt by the next refresh`);
          const previous = previousOf(species);
          if (previous?.input_hash === hash) {
            reuse(species, previous, read.core?.source ?? null, group.rows.filter((r) => !isUsableRow(r)).length);
            continue;
          }
          if (!group.fingerprint && rowsFingerprint) built.push(species);
          const known = previous && options.store ? await knownObjects(options.store, species, previous) : undefined;
          const task = putWhenEncoded(species, pool.run(toJob(species, group.rows, read.core, { version: publication.version, known, preset, verify: true })), hash);
          const tracked = task.then(
            () => void inflight.delete(tracked),
            (error) => {
              inflight.delete(tracked);
              failure ??= error;
            },
          );
          inflight.add(tracked);
          while (inflight.size >= limit && !failure) await Promise.race(inflight);
          if (failure) throw failure;
        }
      }
    } catch (error) {
      if (signal?.aborted) throw toRefreshError(error, true);
      if (error instanceof RefreshError || error instanceof StorageError || error instanceof PreconditionFailedError) throw error;
      throw new RefreshError('source-failed', `reading rows failed: ${errorMessage(error)}`, { cause: error });
    }
    await Promise.all(inflight);
    if (failure) throw failure;
    checkAbort();

    // Rows fingerprinted before they were read must fingerprint the same now: else they
    // changed meanwhile, and what was built is not what the fingerprint says.
    if (built.length && summaries && source.summarize) {
      events.phase?.('compare', `checking the rows of ${built.length} species read against their fingerprints`);
      let after: Map<string, SpeciesSummary>;
      try {
        after = await source.summarize(built.flatMap((species) => summaries!.get(species)!.names));
      } catch (error) {
        throw error instanceof RefreshError ? error : new RefreshError('source-failed', `reading rows failed: ${errorMessage(error)}`, { cause: error });
      }
      for (const species of built) {
        if (sameFingerprint(after.get(species)?.fingerprint, summaries.get(species)!.fingerprint)) continue;
        publication.species[species]!.input_hash = unsettledHash(species);
        warn(`${species}: its rows changed while they were read; published, and to be rebuilt by the next refresh`);
      }
    }
    await source.close();
    await core?.close();

    reports.sort((a, b) => compareCodeUnits(a.species, b.species));
    const totals: Totals = { species: reports.length, with_core: 0, reused: 0, labels: 0, rows: 0, rows_read: source.rowsRead, skipped: 0, bytes: 0, uploaded_bytes: 0, json_bytes: 0 };
    for (const r of reports) {
      if (r.core) totals.with_core++;
      if (r.reused) totals.reused++;
      totals.labels += r.labels;
      totals.rows += r.rows;
      totals.skipped += r.skipped ?? 0;
      totals.bytes += r.bytes;
      totals.uploaded_bytes += r.uploaded_bytes;
      totals.json_bytes += r.json_bytes;
    }
    if (totals.species === 0 || totals.labels === 0) {
      await publication.discard().catch(() => {});
      throw new RefreshError(
        'zero-rows',
        totals.species === 0
          ? `no rows${source.source.database ? ` in ${source.source.database}.gene_autocomplete` : ''}${source.speciesTotal === 0 ? ' for the --species filter' : ''}; nothing to publish`
          : `all ${totals.rows} rows have NULL or empty labels; nothing to publish`,
      );
    }

    const manifest = publication.manifest();
    const guard = checkShrink(current?.manifest ?? null, manifest, options.maxShrink ?? 0.1);
    const forced = !guard.ok && (options.force ?? false);
    events.phase?.('guard', guard.ok ? 'ok' : forced ? `overridden by --force: ${guard.reasons.join('; ')}` : guard.reasons.join('; '));
    if (!guard.ok && !forced) {
      if (!dryRun) await publication.discard().catch((error) => warn(`could not remove the refused version: ${errorMessage(error)}`));
      throw new RefreshError(
        'guard-refused',
        `refusing to replace ${current!.pointer.version}: ${guard.reasons.join('; ')} (--force overrides)`,
      );
    }

    let pointer: Pointer | null = null;
    let pruned: PruneResult | null = null;
    if (!dryRun) {
      checkAbort();
      events.phase?.('commit', publication.version);
      pointer = await publication.commit(checkAbort);
      if (options.keep !== undefined) {
        events.phase?.('prune', `keeping ${options.keep} old version(s)`);
        try {
          pruned = await pruneVersions(options.store!, {
            current: pointer.version,
            previous: current?.pointer.version ?? null,
            keep: options.keep,
            now: options.now,
          });
        } catch (error) {
          warn(`published, but pruning failed: ${errorMessage(error)}`);
        }
      }
    }
    return {
      dryRun,
      source: source.source,
      store: options.store?.description ?? null,
      version: publication.version,
      previous: current?.pointer.version ?? null,
      pointer,
      species: reports,
      totals,
      guard,
      forced,
      pruned,
      warnings,
      elapsedMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    throw toRefreshError(error, signal?.aborted ?? false);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await pool?.close();
    await source?.close().catch(() => {});
    await core?.close().catch(() => {});
  }
}
