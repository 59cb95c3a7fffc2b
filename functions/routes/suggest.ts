/** The lookup shared by /autocomplete and /gene_suggest, including the 304 short cut. */
import type { Context } from 'hono';
import { canonicalSpecies } from '../../snapshot/fold.ts';
import { SnapshotCatalog, UnknownSpeciesError } from '../catalog/catalog.ts';
import type { SearchPage } from '../name-index/search.ts';
import type { Config } from '../config.ts';
import { cacheHeaders, etagFor, matchesIfNoneMatch } from '../http-cache.ts';

export interface Deps {
  catalog: SnapshotCatalog;
  config: Config;
}

export type SuggestOutcome =
  | { kind: 'not-modified'; response: Response }
  | { kind: 'page'; species: string; version: string; page: SearchPage; headers: Record<string, string> };

export async function suggest(deps: Deps, c: Context, speciesParam: string, q: string, limit: number): Promise<SuggestOutcome> {
  const species = canonicalSpecies(speciesParam);
  const { manifest } = await deps.catalog.snapshot();
  if (!SnapshotCatalog.hasSpecies(manifest, species)) throw new UnknownSpeciesError(species);
  const headers = cacheHeaders(deps.config, etagFor(manifest.version));
  // Answer a revalidation before loading anything: the version alone decides.
  if (matchesIfNoneMatch(c.req.header('if-none-match'), headers.etag!)) {
    return { kind: 'not-modified', response: new Response(null, { status: 304, headers }) };
  }
  // A failed reload may leave the previous version serving; the answer then names it.
  const { page, version } = await deps.catalog.search(species, q, limit);
  return { kind: 'page', species, version, page, headers: cacheHeaders(deps.config, etagFor(version)) };
}
