import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { autocompleteSchema, problemResponses, querySchemas } from './schemas.ts';
import { suggest, type Deps } from './suggest.ts';

export function registerAutocomplete(app: OpenAPIHono, deps: Deps): void {
  const route = createRoute({
    method: 'get',
    path: '/autocomplete',
    summary: 'Gene labels of a species that start with a prefix, best first',
    request: { query: querySchemas(deps.config).autocomplete },
    responses: {
      200: { description: 'Suggestions, exact match first, then natural order.', content: { 'application/json': { schema: autocompleteSchema } } },
      304: { description: 'Not modified since the ETag given in If-None-Match.' },
      ...problemResponses,
    },
  });
  app.openapi(route, async (c) => {
    const { species, q, limit } = c.req.valid('query');
    const outcome = await suggest(deps, c, species, q, limit);
    if (outcome.kind === 'not-modified') return outcome.response;
    const { page, version } = outcome;
    return c.json({ species: outcome.species, q, total: page.total, suggestions: page.suggestions, snapshot: version }, 200, outcome.headers);
  });
}
