/**
 * The front door for repeated requests: a GET (without If-None-Match) whose exact request
 * target this isolate has answered for the current snapshot is answered with those bytes, the
 * same headers as the route gives and the CORS headers of the request, before Hono dispatches
 * it: before routing, middleware, parsing or the index. Anything else (a new target, a
 * revalidation, a snapshot due for a re-check) goes on to the app, whose route decides and
 * files its answer under the target for next time (routes/suggest.ts).
 *
 * It answers synchronously: a Response rather than a promise of one, which @hono/node-server
 * writes out without awaiting, and which no middleware chain wraps in promises of its own.
 */
import { requestTarget, targetKey } from '../answer-cache.ts';
import { simpleCorsHeaders, type CorsPolicy } from '../cors.ts';
import type { Deps } from './suggest.ts';

/** The cached answer to `request`, or undefined: the app must answer it. */
export type FastAnswer = (request: Request) => Response | undefined;

export function fastAnswer(deps: Deps, cors: CorsPolicy): FastAnswer {
  return (request) => {
    const snapshot = deps.catalog.fresh();
    if (snapshot === null || request.method !== 'GET' || request.headers.get('if-none-match') !== null) return undefined;
    const version = snapshot.manifest.version;
    const body = deps.answers?.get(targetKey(version, requestTarget(request.url)));
    if (body === undefined) return undefined;
    const origin = request.headers.get('origin') ?? undefined;
    return new Response(body, { status: 200, headers: deps.headers.of(version, simpleCorsHeaders(cors, origin)) });
  };
}
