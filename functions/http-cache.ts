/** Conditional-request helpers: answers are immutable per snapshot version. */
import type { Config } from './config.ts';

/** Bump when the response format changes, so clients drop answers of the old code. */
const API_REVISION = 2;

export function etagFor(version: string): string {
  return `W/"${API_REVISION}.${version}"`;
}

/** Weak comparison per RFC 9110 §13.1.2: `W/` is ignored, `*` matches anything. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === bare;
  });
}

export function cacheHeaders(config: Config, etag: string): Record<string, string> {
  return { etag, 'cache-control': `public, max-age=${config.CACHE_MAX_AGE}` };
}

/**
 * The headers of a successful answer: content type, caching, and extra ones (CORS) by object,
 * built once per snapshot version and extra object (answers are immutable per version).
 */
export class AnswerHeaders {
  private readonly config: Config;
  private version = '';
  private readonly byExtra = new Map<Record<string, string>, Record<string, string>>();

  constructor(config: Config) {
    this.config = config;
  }

  of(version: string, extra: Record<string, string> = NONE): Record<string, string> {
    if (version !== this.version) {
      this.version = version;
      this.byExtra.clear();
    }
    let headers = this.byExtra.get(extra);
    if (!headers) this.byExtra.set(extra, (headers = Object.freeze({ 'content-type': 'application/json', ...cacheHeaders(this.config, etagFor(version)), ...extra })));
    return headers;
  }
}

const NONE: Record<string, string> = Object.freeze({});
