/**
 * The lookup shared by /autocomplete and /gene_suggest: the 304 short cut, then the answer
 * caches (this isolate's, then the location's), then the index. Bodies are built here, once,
 * so a cached answer is returned as the very bytes the index path produced.
 */
import type { Context } from 'hono';
import { canonicalSpecies } from '../../snapshot/fold.ts';
import { answerKey, requestTarget, targetKey, type AnswerCache, type AnswerRoute, type SharedAnswers } from '../answer-cache.ts';
import { SnapshotCatalog, UnknownSpeciesError } from '../catalog/catalog.ts';
import type { Config } from '../config.ts';
import { cacheHeaders, etagFor, matchesIfNoneMatch, type AnswerHeaders } from '../http-cache.ts';
import type { SearchPage } from '../name-index/search.ts';

export interface Deps {
  catalog: SnapshotCatalog;
  config: Config;
  /** Null when answer caching is off (ANSWER_CACHE_MB=0). */
  answers: AnswerCache | null;
  /** On Workers, the location's Cache API. */
  shared?: SharedAnswers;
  /** The headers of answers, per version. */
  headers: AnswerHeaders;
}

export interface SuggestRequest {
  route: AnswerRoute;
  species: string;
  q: string;
  limit: number;
}

function render(route: AnswerRoute, species: string, q: string, page: SearchPage, version: string): string {
  if (route === 'gene_suggest') return JSON.stringify(page.suggestions.map((s) => s.label));
  return JSON.stringify({ species, q, total: page.total, suggestions: page.suggestions, snapshot: version });
}

function answer(deps: Deps, body: string, version: string): Response {
  return new Response(body, { status: 200, headers: deps.headers.of(version) });
}

export async function suggest(deps: Deps, c: Context, request: SuggestRequest): Promise<Response> {
  const { route, q, limit } = request;
  const species = canonicalSpecies(request.species);
  const { manifest } = await deps.catalog.snapshot();
  if (!SnapshotCatalog.hasSpecies(manifest, species)) throw new UnknownSpeciesError(species);
  // Answer a revalidation before loading anything: the version alone decides.
  if (matchesIfNoneMatch(c.req.header('if-none-match'), etagFor(manifest.version))) {
    return new Response(null, { status: 304, headers: cacheHeaders(deps.config, etagFor(manifest.version)) });
  }
  // This isolate files answers by request target (what fast-answer.ts looks up); the location's
  // cache by the request as validated, so any isolate's spelling of it finds them.
  const target = targetKey(manifest.version, requestTarget(c.req.url));
  const key = answerKey(manifest.version, route, species, q, limit);
  const cached = deps.answers?.get(target) ?? (await deps.shared?.get(key)) ?? undefined;
  if (cached !== undefined) {
    deps.answers?.set(target, cached);
    return answer(deps, cached, manifest.version);
  }
  // A failed load may leave the species' previous version answering; the answer then names it
  // and is not cached under the current one.
  const { page, version } = await deps.catalog.search(species, q, limit);
  const body = render(route, species, q, page, version);
  if (version === manifest.version) {
    deps.answers?.set(target, body);
    deps.shared?.put(key, body, (work) => c.executionCtx.waitUntil(work));
  }
  return answer(deps, body, version);
}
