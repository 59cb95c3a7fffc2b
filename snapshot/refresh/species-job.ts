/**
 * One species from rows and core data to verified xz objects: the unit of work of the encoder
 * pool, run in a worker thread (encode-worker.ts) or inline. Verification decodes every object
 * with the same WASM decoder the edge uses and compares it with its JSON, so a broken object
 * never leaves.
 */
import type { ObjectRef } from '../format.ts';
import type { XzDecoder } from '../unxz.ts';
import type { SpeciesCore } from './core-data.ts';
import { encodeSpecies, type EncodedSpecies } from './encode.ts';
import { buildSpeciesModel, type GeneRow } from './species-model.ts';
import { nodeXzDecoder } from './xz-node.ts';

/** Rows of one species in columns (cheaper to post to a worker than objects), with its core data. */
export interface SpeciesJob {
  species: string;
  stableIds: string[];
  labels: (string | null)[];
  locations: (string | null)[];
  core: SpeciesCore | null;
  /** The version being written. */
  version: string;
  /** Objects of the current snapshot by JSON hash, reused when equal. */
  known?: ReadonlyMap<string, ObjectRef>;
  /** xz preset 0–9. */
  preset: number;
  /** Decode the result and compare (default true). */
  verify?: boolean;
}

export function toJob(species: string, rows: readonly GeneRow[], core: SpeciesCore | null, options: Omit<SpeciesJob, 'species' | 'stableIds' | 'labels' | 'locations' | 'core'>): SpeciesJob {
  const n = rows.length;
  const stableIds = new Array<string>(n);
  const labels = new Array<string | null>(n);
  const locations = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    stableIds[i] = row.stableId;
    labels[i] = row.label;
    locations[i] = row.location;
  }
  return { species, stableIds, labels, locations, core, ...options };
}

function* rowsOf(job: SpeciesJob): Generator<GeneRow> {
  const { stableIds, labels, locations } = job;
  for (let i = 0; i < stableIds.length; i++) yield { stableId: stableIds[i]!, label: labels[i]!, location: locations[i]! };
}

let decoder: XzDecoder | null = null;

export async function runSpeciesJob(job: SpeciesJob): Promise<EncodedSpecies> {
  const model = buildSpeciesModel(job.species, rowsOf(job), job.core?.data ?? null);
  // The model holds what encoding needs: let the rows and core data go while it runs.
  job.stableIds = job.labels = job.locations = [];
  if (job.core) job.core = { ...job.core, data: new Map() };
  const verifyWith = job.verify === false ? undefined : (decoder ??= nodeXzDecoder());
  return encodeSpecies(model, job.core && { source: job.core.source }, { version: job.version, known: job.known, preset: job.preset, verifyWith });
}
