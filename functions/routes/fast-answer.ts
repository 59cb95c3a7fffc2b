/**
 * The front door for repeated requests: a GET (without If-None-Match) whose exact request
 * target this isolate has answered for the current snapshot is answered with those bytes, the
 * same headers as the route gives and the CORS headers of the request, before routing, before
 * parsing or validating anything, before the index. Anything else (a new target, a
 * revalidation, a snapshot due for a re-check) goes on to the route, which decides, and which
 * files its answer under the target for next time (routes/suggest.ts).
 */
import type { MiddlewareHandler } from 'hono';
import { requestTarget, targetKey } from '../answer-cache.ts';
import { simpleCorsHeaders, type CorsPolicy } from '../cors.ts';
import type { Deps } from './suggest.ts';

export function fastAnswer(deps: Deps, cors: CorsPolicy): MiddlewareHandler {
  return async (c, next) => {
    const snapshot = deps.catalog.fresh();
    if (snapshot === null || c.req.method !== 'GET' || c.req.header('if-none-match') !== undefined) return next();
    const version = snapshot.manifest.version;
    const body = deps.answers?.get(targetKey(version, requestTarget(c.req.url)));
    if (body === undefined) return next();
    return new Response(body, { status: 200, headers: deps.headers.of(version, simpleCorsHeaders(cors, c.req.header('origin'))) });
  };
}
