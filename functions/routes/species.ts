import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { cacheHeaders, etagFor, matchesIfNoneMatch } from '../http-cache.ts';
import { problemResponses, speciesListSchema } from './schemas.ts';
import type { Deps } from './suggest.ts';

export function registerSpecies(app: OpenAPIHono, deps: Deps): void {
  const route = createRoute({
    method: 'get',
    path: '/species',
    summary: 'Species of the current snapshot with their label counts',
    responses: {
      200: { description: 'Species in name order.', content: { 'application/json': { schema: speciesListSchema } } },
      304: { description: 'Not modified since the ETag given in If-None-Match.' },
      503: problemResponses[503],
    },
  });
  app.openapi(route, async (c) => {
    const { manifest } = await deps.catalog.snapshot();
    const headers = cacheHeaders(deps.config, etagFor(manifest.version));
    if (matchesIfNoneMatch(c.req.header('if-none-match'), headers.etag!)) return new Response(null, { status: 304, headers });
    const species = Object.entries(manifest.species).map(([name, entry]) => ({ name, labels: entry.labels }));
    return c.json({ snapshot: manifest.version, species }, 200, headers);
  });
}
