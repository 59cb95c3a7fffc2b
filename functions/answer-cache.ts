/**
 * Answers are immutable per snapshot version, so once serialized they are kept: in this
 * isolate or process (AnswerCache, a byte-bounded LRU of response bodies) and, on Workers, in
 * the colo's Cache API (SharedAnswers), where every isolate of a location finds them. A key
 * names the version, so a new version never sees an old answer.
 */
import { stringBytes } from '../snapshot/packed.ts';
import { ByteBudgetLru } from './catalog/lru.ts';

export type AnswerRoute = 'autocomplete' | 'gene_suggest';

/** What identifies an answer: the version, the route and the request as validated. */
export function answerKey(version: string, route: AnswerRoute, species: string, q: string, limit: number): string {
  return `${version}/${route}/${species}/${limit}/${q}`;
}

/**
 * The same answer under the request target it came for, as sent (path and query string):
 * a repeated request finds it without parsing anything (routes/fast-answer.ts).
 */
export function targetKey(version: string, target: string): string {
  return `${version} ${target}`;
}

/** The path and query of a request URL: what the client asked for. */
export function requestTarget(url: string): string {
  return url.slice(url.indexOf('/', url.indexOf('//') + 2));
}

export class AnswerCache {
  private readonly lru: ByteBudgetLru<string, { body: string; bytes: number }>;

  constructor(budgetBytes: number) {
    this.lru = new ByteBudgetLru(budgetBytes);
  }

  get(key: string): string | undefined {
    return this.lru.get(key)?.body;
  }

  set(key: string, body: string): void {
    // The body and the key, plus the map's own overhead.
    this.lru.set(key, { body, bytes: stringBytes(body) + stringBytes(key) + 64 });
  }

  get size(): number {
    return this.lru.size;
  }
}

/** A cache shared by the isolates of a location (the Workers Cache API). */
export interface SharedAnswers {
  get(key: string): Promise<string | null>;
  /** Stores in the background (`waitUntil`): the answer is not held up. */
  put(key: string, body: string, waitUntil: (work: Promise<unknown>) => void): void;
}

/** How long the Cache API keeps an answer: keys carry the version, so only space is at stake. */
const SHARED_TTL_SECONDS = 24 * 3600;

/** SharedAnswers over a Cache (caches.default on Workers); keys become URLs on a reserved host. */
export function cacheApiAnswers(cache: Cache): SharedAnswers {
  const url = (key: string) => `https://answers.invalid/${encodeURIComponent(key)}`;
  return {
    async get(key) {
      const hit = await cache.match(url(key));
      return hit ? hit.text() : null;
    },
    put(key, body, waitUntil) {
      const response = new Response(body, { headers: { 'content-type': 'application/json', 'cache-control': `public, max-age=${SHARED_TTL_SECONDS}` } });
      waitUntil(cache.put(url(key), response).catch(() => {}));
    },
  };
}
