/**
 * The HTTP app, independent of where it runs: give it a catalog and a config. Entry points:
 * functions/worker.ts (Cloudflare Workers) and scripts/serve-node.ts (Node).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { SnapshotUnavailableError, UnknownSpeciesError, type SnapshotCatalog } from './catalog/catalog.ts';
import { registerDemo } from './demo/route.ts';
import { ProblemError, badParameter } from './problems.ts';
import { registerAutocomplete } from './routes/autocomplete.ts';
import { querySchemas, warmQuerySchemas } from './routes/schemas.ts';
import { fastAnswer } from './routes/fast-answer.ts';
import { registerGeneSuggest } from './routes/gene-suggest.ts';
import { registerHealth } from './routes/health.ts';
import { registerSpecies } from './routes/species.ts';
import { AnswerCache, type SharedAnswers } from './answer-cache.ts';
import type { Deps } from './routes/suggest.ts';
import { registerWidget } from './widget/route.ts';
import type { Config } from './config.ts';
import { corsMiddleware, corsPolicy } from './cors.ts';
import { AnswerHeaders } from './http-cache.ts';

export interface AppDeps {
  catalog: SnapshotCatalog;
  config: Config;
  /** On Workers, the location's Cache API for answers. */
  shared?: SharedAnswers;
}

const READ_METHODS = ['GET', 'HEAD', 'OPTIONS'];

export function createApp(appDeps: AppDeps): OpenAPIHono {
  const cacheBytes = appDeps.config.ANSWER_CACHE_MB * 1024 * 1024;
  const headers = new AnswerHeaders(appDeps.config);
  const deps: Deps = cacheBytes > 0 ? { ...appDeps, answers: new AnswerCache(cacheBytes), headers } : { ...appDeps, answers: null, shared: undefined, headers };
  const app = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) {
        const issue = result.error.issues[0]!;
        const parameter = String(issue.path[0] ?? 'query');
        throw badParameter(parameter, issue.message);
      }
    },
  });

  // Read-only API: other methods are refused before routing (405 rather than 404).
  app.use('*', async (c, next) => {
    if (!READ_METHODS.includes(c.req.method)) {
      throw new ProblemError(405, `${c.req.method} is not supported; this API is read-only`, {}, { allow: READ_METHODS.join(', ') });
    }
    await next();
  });

  const cors = corsPolicy(deps.config.CORS_ORIGINS);
  app.use('*', corsMiddleware(cors));
  const schemas = querySchemas(deps.config);
  registerAutocomplete(app, deps, schemas);
  registerGeneSuggest(app, deps, schemas);
  warmQuerySchemas(schemas);
  registerSpecies(app, deps);
  registerHealth(app, deps);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'ensembl-autocomplete', version: '1', description: 'Gene-name autocomplete for Ensembl species.' },
  });
  // Pages for people, outside the API document: the demo and the interactive reference
  // (a small HTML page; the browser loads the Scalar viewer from its CDN).
  registerDemo(app);
  registerWidget(app);
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'ensembl-autocomplete API' }));

  app.notFound((c) => new ProblemError(404, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`, { see: '/openapi.json' }).toResponse());
  app.onError((error) => toProblem(error).toResponse());

  // Cached answers first, before Hono dispatches (routes/fast-answer.ts); they carry their own
  // CORS headers (see cors.ts for why). Wrapping `fetch` covers every entry point and `request`.
  if (deps.answers) {
    const answered = fastAnswer(deps, cors);
    const dispatch = app.fetch;
    app.fetch = (request, env, ctx) => answered(request) ?? dispatch(request, env, ctx);
  }
  return app;
}

/** Every error becomes a problem response; only a bug yields a 500, and never its stack. */
function toProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof UnknownSpeciesError) {
    return new ProblemError(404, `unknown species '${error.species}'; GET /species lists the available ones`, { see: '/species' });
  }
  if (error instanceof SnapshotUnavailableError) {
    return new ProblemError(503, error.message, {}, { 'retry-after': String(error.retryAfterSeconds) });
  }
  if (error instanceof HTTPException) return new ProblemError(error.status as ContentfulStatusCode, error.message);
  console.error('unhandled error', error);
  return new ProblemError(500, 'internal error; it has been logged');
}
