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

/** The headers hono/cors gives the response to a simple (not preflight) request from `origin`. */
export function simpleCorsHeaders(policy: CorsPolicy, origin: string | undefined): Record<string, string> {
  if (policy.origins === '*') return { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSE };
  const allowed = origin !== undefined && policy.origins.includes(origin);
  return { ...(allowed ? { 'access-control-allow-origin': origin } : {}), 'access-control-expose-headers': EXPOSE, vary: 'Origin' };
}
