import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { autocompleteSchema, problemResponses, type QuerySchemas } from './schemas.ts';
import { suggest, type Deps } from './suggest.ts';

export function registerAutocomplete(app: OpenAPIHono, deps: Deps, schemas: QuerySchemas): void {
  const route = createRoute({
    method: 'get',
    path: '/autocomplete',
    summary: 'Genes of a species whose label, synonym or stable ID starts with what was typed, best first',
    request: { query: schemas.autocomplete },
    responses: {
      200: {
        description:
          'Suggestions in tiers: exact label, exact synonym (3+ characters), label prefix, synonym prefix, stable ID (6+ characters); within a tier coding genes first, then other, then pseudogenes, each in natural order. When these are fewer than `limit` and the query has 4+ characters, names one edit away (two from 8 characters) follow as `typo` matches.',
        content: { 'application/json': { schema: autocompleteSchema } },
      },
      304: { description: 'Not modified since the ETag given in If-None-Match.' },
      ...problemResponses,
    },
  });
  app.openapi(route, async (c) => {
    const { species, q, limit } = c.req.valid('query');
    return suggest(deps, c, { route: 'autocomplete', species, q, limit }) as never;
  });
}
