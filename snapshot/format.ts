/**
 * Snapshot format v2: the contract between the offline builder and the edge.
 * See docs/snapshot-format.md. Runtime-agnostic: no Node or Workers APIs here.
 *
 *   <prefix>/current.json                          pointer, written last
 *   <prefix>/v/<version>/manifest.json             every species with its root object
 *   <prefix>/v/<version>/<species>/<hash>.json.xz  immutable, content-addressed objects (species
 *                                                  roots and their chunks), under the version that
 *                                                  first wrote them: later versions refer to them
 */
import { z } from 'zod';

export const FORMAT_VERSION = 2;
export const POINTER_KEY = 'current.json';

/** Object keys inside a snapshot, relative to the store's prefix. */
export const keys = {
  pointer: POINTER_KEY,
  manifest: (version: string) => `v/${version}/manifest.json`,
  /**
   * `hash`: the first OBJECT_HASH_LENGTH hex digits of the SHA-256 of the object's JSON. It
   * names the object (equal content is one object across versions) and checks it: a reader
   * rejects an object whose decoded JSON hashes otherwise.
   */
  object: (version: string, species: string, hash: string) => `v/${version}/${species}/${hash}.json.xz`,
};

/** The hash an object key names (keys.object). */
export function hashOfKey(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1, -'.json.xz'.length);
}

/** The version an object key was first written under (keys.object). */
export function versionOfKey(key: string): string {
  return key.slice(2, key.indexOf('/', 2));
}

/** Versions sort by creation time as plain strings: `20261123T110503Z-7f3a`. */
export const VERSION_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{4,}$/;
/** `20261123T110503Z-7f3a`: what a root's cheap check of its versions asks (a wrong one names objects that are not there). */
const VERSION_MIN_LENGTH = 21;
export const SPECIES_PATTERN = /^[a-z0-9_]+$/;
/**
 * Hex digits of the JSON's SHA-256 that name an object: 64 bits, ample to tell apart a species'
 * objects across versions and to catch a damaged one. Every cold query decodes a root that lists
 * a hash per chunk, and hex digits barely compress: 16 rather than 32 take a third off the
 * synthetic species' root, xz and decode time alike (docs/benchmarks.md, cold start).
 */
export const OBJECT_HASH_LENGTH = 16;

const OBJECT_KEY = new RegExp(`^v/\\d{8}T\\d{6}Z-[0-9a-f]{4,}/[a-z0-9_]+/[0-9a-f]{${OBJECT_HASH_LENGTH}}\\.json\\.xz$`);
const version = z.string().regex(VERSION_PATTERN);
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const INPUT_HASH = /^[0-9a-f]{16,}$/;
const count = z.number().int().nonnegative();

export const pointerSchema = z.object({
  format: z.literal(FORMAT_VERSION),
  version,
  manifest: z.string(),
  published: z.iso.datetime(),
});
export type Pointer = z.infer<typeof pointerSchema>;

/** Where an xz object lives and what the reader must find there (its key names its hash). */
export const objectRefSchema = z.object({
  key: z.string().regex(OBJECT_KEY),
  /** Size of the .xz bytes: a reader rejects an object of another size before decoding it. */
  bytes: z.number().int().positive(),
  /** Size of the decompressed JSON: decoding stops past it; used to budget memory. */
  json_bytes: z.number().int().positive(),
});
export type ObjectRef = z.infer<typeof objectRefSchema>;

const isCount = (v: unknown) => Number.isInteger(v) && (v as number) > 0;

export const speciesEntrySchema = z.object({
  /** Distinct labels. */
  labels: count,
  /** Source rows that produced them (a label can sit on several stable IDs). */
  rows: count,
  /** Where synonyms and biotypes came from (a core database, a file), or null: labels only. */
  core: z.object({ source: z.string() }).nullable(),
  root: objectRefSchema,
  /** The species' objects (root, chunks, typo objects): how many, and their sizes in all. */
  objects: z.object({ count: z.number().int().positive(), bytes: z.number().int().positive(), json_bytes: z.number().int().positive() }),
  /** A hash of the rows and core data it was built from: a refresh whose input hashes the same reuses the entry as it is. */
  input_hash: z.string().regex(INPUT_HASH),
});
export type SpeciesEntry = z.infer<typeof speciesEntrySchema>;

export const sourceSchema = z.object({
  /** `mysql` for an Ensembl database, `tsv` for a file export. */
  kind: z.enum(['mysql', 'tsv']),
  database: z.string().nullable(),
  release: z.number().int().positive().nullable(),
});
export type SnapshotSource = z.infer<typeof sourceSchema>;

export const manifestSchema = z.object({
  format: z.literal(FORMAT_VERSION),
  version,
  created: z.iso.datetime(),
  source: sourceSchema,
  species: z.record(z.string().regex(SPECIES_PATTERN), speciesEntrySchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

/**
 * One object a species root lists: [first, version, hash, bytes, json_bytes]. `first` is a
 * chunk's separator, a typo object's first character or an answer object's first prefix;
 * `version` indexes the root's `versions` (where the object was first written); the rest make
 * its ObjectRef (rootRef).
 */
export type RootEntry = [first: string, version: number, hash: string, bytes: number, jsonBytes: number];

/**
 * A species' root object: its chunks in key order, chunk i holding the keys from its `first`
 * (a separator: the shortest prefix of its first key that sorts after the previous chunk's
 * last key; '' for chunk 0) up to the next chunk's; its typo objects, one per first character
 * (UTF-16 unit) of its names, in that character's order; and its answer objects in prefix
 * order, each holding the long answers from its `first` prefix up to the next one's. Compact,
 * because a cold query decodes it: a few dozen bytes per object.
 */
export interface SpeciesRoot {
  format: typeof FORMAT_VERSION;
  species: string;
  labels: number;
  versions: string[];
  chunks: RootEntry[];
  typos: RootEntry[];
  /**
   * Answer objects: chunks without keys, holding the answers of up to LONG_ANSWER_HITS hits of
   * the prefixes whose key range spans LONG_ANSWER_SPAN chunks or more. Absent from roots built
   * before them (build revision 6): a query there with a limit its chunk's answer does not
   * cover reads every chunk of its range instead.
   */
  answers?: RootEntry[];
}

/** Hits a long answer holds: the API's largest limit by default (functions/config.ts `MAX_LIMIT`). */
export const LONG_ANSWER_HITS = 100;
/**
 * Chunks a prefix's range must span for it to have a long answer: a range of two costs a query
 * one chunk more, about what an answer object costs, and the synthetic 53 k-label species has
 * 196 such prefixes (5.4 MB of JSON as long answers), against 108 that span more.
 */
export const LONG_ANSWER_SPAN = 3;

/** Every object a root lists: its chunks, answer objects and typo objects. */
export function listedObjects(root: SpeciesRoot): RootEntry[] {
  return [...root.chunks, ...(root.answers ?? []), ...root.typos];
}

/** The reference of an object a root lists. */
export function rootRef(root: SpeciesRoot, entry: RootEntry): ObjectRef {
  return { key: keys.object(root.versions[entry[1]]!, root.species, entry[2]), bytes: entry[3], json_bytes: entry[4] };
}

/** The last of `list` (ascending by `first`) whose `first` is not above `key`, if any. */
function lastAtMost(list: readonly RootEntry[], key: string): RootEntry | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]![0] <= key) lo = mid + 1;
    else hi = mid;
  }
  return list[lo - 1];
}

/** The root's answer object that would hold the long answer of `prefix`, if any. */
export function answerEntry(root: SpeciesRoot, prefix: string): RootEntry | undefined {
  return lastAtMost(root.answers ?? [], prefix);
}

/** The root's typo object for a first character, if it has one. */
export function typoEntry(root: SpeciesRoot, first: string): RootEntry | undefined {
  const entry = lastAtMost(root.typos, first);
  return entry?.[0] === first ? entry : undefined;
}

/**
 * The names (labels and synonyms, not stable IDs) of a species that start with one character,
 * for the typo fallback, as the trie the edge searches, in level order (by depth, then key
 * order; node 0 is `first`), and per name the references it makes (a label's rank, and whether
 * the name is the label or a synonym of it). The payload of a match is in the chunk that holds
 * its key. Counts are one character each (snapshot/packed.ts `packCounts`), numbers are packed
 * by `packInts`.
 */
export interface TypoObject {
  format: typeof FORMAT_VERSION;
  species: string;
  first: string;
  /** Per node, the UTF-16 unit on the edge into it. */
  units: string;
  /** Counts: per node, how many children it has (they come in unit order). */
  fanout: string;
  /** Counts: per node, 1 if a name ends there, else 0. */
  ends: string;
  /** Counts: per name in the order of the nodes that end them (shorter first, then code-unit order), how many references it makes. */
  counts: string;
  /** Numbers: the references, name by name, each `rank * 2 + (synonym ? 1 : 0)`, label before synonym, then by rank. */
  refs: string;
}

/** Entry kinds, one character each in `Chunk.kinds`. */
export const KIND = { LABEL: 'l', SYNONYM: 's', ID: 'i' } as const;

/**
 * A self-contained piece of a species' name index: every key (folded label, synonym or stable
 * ID) of a key range with what ranking and answering need. Strings marked "packed" are joined
 * by '\n'; numbers are packed into strings by snapshot/packed.ts `packInts`.
 *
 * Entries are sorted by key in UTF-16 code-unit order; entry i has key i, kind i, owner i.
 * Owners index the chunk's label table, whose labels carry their global rank (`granks`).
 */
export interface Chunk {
  format: typeof FORMAT_VERSION;
  species: string;
  /** The entries' folded keys, sorted and front-coded (snapshot/packed.ts). */
  keys: string;
  /** One of KIND per entry. */
  kinds: string;
  /** Numbers: per entry, its label's index in the label table. */
  owners: string;
  /** Packed, one per synonym entry in entry order: the synonym as the source spells it. */
  synonyms: string;
  /** Numbers: one per stable-ID entry in entry order, its rank in (natural order of the ID, raw label). */
  id_ranks: string;
  /**
   * The label table. Packed, per label: the label, its stable IDs joined by ' ' and their
   * locations likewise ('' where unknown), separated by tabs.
   */
  payload: string;
  /** Numbers: the rank of each label in the species, by (group, natural order of the folded label, raw label). */
  granks: string;
  /** Numbers: per label, 1 + its index into biotype_names, 0 where unknown. */
  biotypes: string;
  biotype_names: string[];
  /**
   * Precomputed answers for prefixes whose key range is too long to scan per query:
   * `prefixes` packed and sorted; `hits` the numbers, answer by answer, total, hit count, then
   * (owner, tier) per hit in ranking order; `texts` packed, per hit what matched as the source
   * spells it ('' for the label itself).
   */
  answers: { prefixes: string; hits: string; texts: string };
}

export class FormatError extends Error {
  override name = 'FormatError';
}

function fail(what: string, problem: string): never {
  throw new FormatError(`${what}: ${problem}`);
}

/** Checks a parsed root's shape; throws FormatError naming what is wrong. */
export function assertRoot(value: unknown, species: string): asserts value is SpeciesRoot {
  const what = `root of ${species}`;
  const root = value as Partial<SpeciesRoot> | null;
  if (typeof root !== 'object' || root === null) fail(what, 'not a JSON object');
  if (root.format !== FORMAT_VERSION) fail(what, `format ${root.format}, expected ${FORMAT_VERSION}`);
  if (root.species !== species) fail(what, `holds ${root.species}`);
  if (!Number.isInteger(root.labels)) fail(what, 'labels must be a count');
  const versions = root.versions;
  if (!Array.isArray(versions) || versions.length === 0 || !versions.every((v) => typeof v === 'string' && v.length >= VERSION_MIN_LENGTH)) fail(what, 'versions must be version names');
  // A cold query reads this: plain loops, no regular expression per entry. An entry's hash
  // need only be a string of the right length, since the object is checked against it anyway.
  const entries = (list: unknown, name: string) => {
    if (!Array.isArray(list)) fail(what, `${name} must be a list`);
    for (let i = 0; i < list.length; i++) {
      const e: unknown = list[i];
      if (
        !Array.isArray(e) ||
        e.length !== 5 ||
        typeof e[0] !== 'string' ||
        !(Number.isInteger(e[1]) && e[1] >= 0 && e[1] < versions.length) ||
        typeof e[2] !== 'string' ||
        e[2].length !== OBJECT_HASH_LENGTH ||
        !isCount(e[3]) ||
        !isCount(e[4])
      ) {
        fail(what, `${name} entry ${i} is malformed`);
      }
      if (i > 0 && e[0] <= list[i - 1][0]) fail(what, `${name} must ascend`);
    }
  };
  entries(root.chunks, 'chunks');
  if (root.chunks!.length === 0 || root.chunks![0]![0] !== '') fail(what, 'chunks must start at ""');
  entries(root.typos, 'typos');
  for (const e of root.typos!) if (e[0].length !== 1) fail(what, `typo object ${JSON.stringify(e[0])} is malformed`);
  if (root.answers !== undefined) entries(root.answers, 'answers');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSize = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
/** A UTC ISO date-time as z.iso.datetime() takes it: the form, and a date and time that exist. */
function isIsoDateTime(v: unknown): boolean {
  if (typeof v !== 'string' || !ISO_DATETIME.test(v)) return false;
  const time = Date.parse(v);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 19) === v.slice(0, 19);
}
const isRef = (v: unknown) => isObject(v) && typeof v.key === 'string' && OBJECT_KEY.test(v.key) && isCount(v.bytes) && isCount(v.json_bytes);

/**
 * Checks a parsed manifest: what `manifestSchema` checks, in plain loops. Every isolate's first
 * request reads the manifest, and with 300 species zod's parse cost that request 5-10 ms in
 * workerd (docs/benchmarks.md); this costs a fraction. `format.test.ts` holds the two to the
 * same verdicts.
 */
export function assertManifest(value: unknown): asserts value is Manifest {
  const what = 'manifest';
  if (!isObject(value)) fail(what, 'not a JSON object');
  if (value.format !== FORMAT_VERSION) fail(what, `format ${value.format}, expected ${FORMAT_VERSION}`);
  if (typeof value.version !== 'string' || !VERSION_PATTERN.test(value.version)) fail(what, 'version must be a version name');
  if (!isIsoDateTime(value.created)) fail(what, 'created must be an ISO date-time in UTC');
  const source = value.source;
  if (
    !isObject(source) ||
    (source.kind !== 'mysql' && source.kind !== 'tsv') ||
    !(source.database === null || typeof source.database === 'string') ||
    !(source.release === null || isCount(source.release))
  ) {
    fail(what, 'source must hold kind, database and release');
  }
  const species = value.species;
  if (!isObject(species)) fail(what, 'species must be an object');
  for (const name of Object.keys(species)) {
    const e = species[name];
    const core = isObject(e) ? e.core : undefined;
    const objects = isObject(e) ? e.objects : undefined;
    if (
      !SPECIES_PATTERN.test(name) ||
      !isObject(e) ||
      !isSize(e.labels) ||
      !isSize(e.rows) ||
      !(core === null || (isObject(core) && typeof core.source === 'string')) ||
      !isRef(e.root) ||
      !(isObject(objects) && isCount(objects.count) && isCount(objects.bytes) && isCount(objects.json_bytes)) ||
      typeof e.input_hash !== 'string' ||
      !INPUT_HASH.test(e.input_hash)
    ) {
      fail(what, `species entry ${JSON.stringify(name)} is malformed`);
    }
  }
}

/** Checks a parsed typo object's shape; throws FormatError naming what is wrong (the lists themselves are checked as they are read). */
export function assertTypos(value: unknown, species: string, first: string): asserts value is TypoObject {
  const what = `typo object ${JSON.stringify(first)} of ${species}`;
  const t = value as Partial<TypoObject> | null;
  if (typeof t !== 'object' || t === null) fail(what, 'not a JSON object');
  if (t.format !== FORMAT_VERSION) fail(what, `format ${t.format}, expected ${FORMAT_VERSION}`);
  if (t.species !== species || t.first !== first) fail(what, `holds ${t.species} ${JSON.stringify(t.first)}`);
  for (const field of ['units', 'fanout', 'ends', 'counts', 'refs'] as const) if (typeof t[field] !== 'string') fail(what, `${field} must be a string`);
}

/** Checks a parsed chunk's shape; throws FormatError naming what is wrong (its lists are checked as they are read). */
export function assertChunk(value: unknown, species: string): asserts value is Chunk {
  const what = `chunk of ${species}`;
  const c = value as Partial<Chunk> | null;
  if (typeof c !== 'object' || c === null) fail(what, 'not a JSON object');
  if (c.format !== FORMAT_VERSION) fail(what, `format ${c.format}, expected ${FORMAT_VERSION}`);
  if (c.species !== species) fail(what, `holds ${c.species}`);
  for (const field of ['keys', 'kinds', 'owners', 'synonyms', 'id_ranks', 'payload', 'granks', 'biotypes'] as const) {
    if (typeof c[field] !== 'string') fail(what, `${field} must be a string`);
  }
  if (!/^[lsi]*$/.test(c.kinds!)) fail(what, 'kinds must be l, s or i per entry');
  if (!Array.isArray(c.biotype_names) || !c.biotype_names.every((b) => typeof b === 'string')) fail(what, 'biotype_names must be strings');
  const a = c.answers;
  if (typeof a !== 'object' || a === null || typeof a.prefixes !== 'string' || typeof a.hits !== 'string' || typeof a.texts !== 'string') fail(what, 'answers must hold prefixes, hits and texts');
}

/** A new version name: UTC time to the second plus random hex, so names sort by age. */
export function newVersion(now: Date, randomHex: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomHex}`;
}
