/**
 * CORS for a read-only API, from CORS_ORIGINS ('*' or a comma-separated allow-list).
 * hono/cors handles every request but one kind: an answer from the isolate's answer cache is
 * built with simpleCorsHeaders() before hono/cors runs. hono/cors sets its headers on a
 * placeholder response that Hono then copies into the real one, and that copy costs
 * @hono/node-server its fast response path: half the requests/s of the cached path on Node
 * (docs/benchmarks.md, HTTP).
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

export interface CorsPolicy {
  origins: '*' | readonly string[];
}

const METHODS = ['GET', 'HEAD', 'OPTIONS'];
const EXPOSE = 'ETag';

export function corsPolicy(corsOrigins: string): CorsPolicy {
  const origins = corsOrigins.split(',').map((o) => o.trim()).filter(Boolean);
  return { origins: origins.includes('*') ? '*' : origins };
}

export function corsMiddleware(policy: CorsPolicy): MiddlewareHandler {
  return cors({ origin: policy.origins === '*' ? '*' : [...policy.origins], allowMethods: METHODS, exposeHeaders: [EXPOSE] });
}

const ANY_ORIGIN: Record<string, string> = Object.freeze({ 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSE });
const REFUSED: Record<string, string> = Object.freeze({ 'access-control-expose-headers': EXPOSE, vary: 'Origin' });
/** Per allow-list policy, the headers of each allowed origin: one object each, so callers can key on it. */
const allowedHeaders = new WeakMap<CorsPolicy, Map<string, Record<string, string>>>();

/**
 * The headers hono/cors gives the response to a simple (not preflight) request from `origin`:
 * the same object for the same answer (one per allowed origin), never to be changed.
 */
export function simpleCorsHeaders(policy: CorsPolicy, origin: string | undefined): Record<string, string> {
  if (policy.origins === '*') return ANY_ORIGIN;
  if (origin === undefined || !policy.origins.includes(origin)) return REFUSED;
  let byOrigin = allowedHeaders.get(policy);
  if (!byOrigin) allowedHeaders.set(policy, (byOrigin = new Map()));
  let headers = byOrigin.get(origin);
  if (!headers) byOrigin.set(origin, (headers = Object.freeze({ 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSE, vary: 'Origin' })));
  return headers;
}
