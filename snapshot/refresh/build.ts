/**
 * Builds and publishes a snapshot from species-grouped rows: one species in memory at a time.
 */
import { buildShard, encodeShard, type EncodedShard } from './encode.ts';
import { beginPublication, type PublishOptions } from './publish.ts';
import type { SpeciesRows } from './rows.ts';
import type { ObjectStore } from './store.ts';
import type { Pointer, Manifest } from '../format.ts';

export interface BuildProgress {
  onShard?(shard: EncodedShard): void;
}

export async function publishSnapshot(
  store: ObjectStore,
  groups: AsyncIterable<SpeciesRows>,
  options: PublishOptions & BuildProgress,
): Promise<{ pointer: Pointer; manifest: Manifest }> {
  const publication = await beginPublication(store, options);
  for await (const { species, rows } of groups) {
    const { shard, stats } = buildShard(species, rows);
    const encoded = await encodeShard(shard, stats);
    await publication.putShard(encoded);
    options.onShard?.(encoded);
  }
  const pointer = await publication.commit();
  return { pointer, manifest: publication.manifest() };
}
