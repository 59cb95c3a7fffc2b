/**
 * The front door for repeated questions: a GET whose parameters are plainly valid and whose
 * answer this isolate already holds is answered with those bytes, before routing, validation
 * or the index, with the CORS headers of the request. Anything else (a miss, a revalidation,
 * a parameter that needs a problem answer) goes on to the route, which decides.
 */
import type { MiddlewareHandler } from 'hono';
import type { AnswerRoute } from '../answer-cache.ts';
import { simpleCorsHeaders, type CorsPolicy } from '../cors.ts';
import { MAX_PARAMETER_LENGTH } from './schemas.ts';
import { cachedAnswer, type Deps } from './suggest.ts';

/** The query string's parameters, or null if one repeats or does not decode. */
function parameters(url: string): Map<string, string> | null {
  const at = url.indexOf('?');
  const out = new Map<string, string>();
  if (at < 0) return out;
  for (const pair of url.slice(at + 1).split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent((eq < 0 ? pair : pair.slice(0, eq)).replaceAll('+', ' '));
      value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replaceAll('+', ' '));
    } catch {
      return null;
    }
    if (out.has(name)) return null;
    out.set(name, value);
  }
  return out;
}

export function fastAnswer(deps: Deps, cors: CorsPolicy, route: AnswerRoute, queryParameter: 'q' | 'query'): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== 'GET' || c.req.header('if-none-match') !== undefined) return next();
    const params = parameters(c.req.url);
    const species = params?.get('species')?.trim();
    const q = params?.get(queryParameter)?.trim();
    const rawLimit = params?.get('limit')?.trim() ?? '';
    const limit = rawLimit === '' ? deps.config.DEFAULT_LIMIT : /^\d{1,4}$/.test(rawLimit) ? Number(rawLimit) : 0;
    const plain =
      species && q && species.length <= MAX_PARAMETER_LENGTH && q.length <= MAX_PARAMETER_LENGTH && limit >= 1 && limit <= deps.config.MAX_LIMIT;
    const response = plain ? await cachedAnswer(deps, { route, species, q, limit }, simpleCorsHeaders(cors, c.req.header('origin'))).catch(() => null) : null;
    if (response) return response;
    return next();
  };
}
