import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { problemResponses, type QuerySchemas } from './schemas.ts';
import { suggest, type Deps } from './suggest.ts';

/** The drop-in form that classic gene_suggest clients call: a bare array of labels. */
export function registerGeneSuggest(app: OpenAPIHono, deps: Deps, schemas: QuerySchemas): void {
  const route = createRoute({
    method: 'get',
    path: '/gene_suggest',
    summary: 'Classic form: a JSON array of matching labels',
    request: { query: schemas.geneSuggest },
    responses: {
      200: {
        description: 'Labels, best first.',
        content: { 'application/json': { schema: z.array(z.string()).openapi({ example: ['ERBB2', 'HERC2', 'HES2'] }) } },
      },
      304: { description: 'Not modified since the ETag given in If-None-Match.' },
      ...problemResponses,
    },
  });
  app.openapi(route, async (c) => {
    const { species, query, limit } = c.req.valid('query');
    return suggest(deps, c, { route: 'gene_suggest', species, q: query, limit }) as never;
  });
}
