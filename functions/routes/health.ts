import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { healthSchema } from './schemas.ts';
import type { Deps } from './suggest.ts';

export function registerHealth(app: OpenAPIHono, deps: Deps): void {
  const route = createRoute({
    method: 'get',
    path: '/health',
    summary: 'Service status, snapshot version and age, species loaded in this isolate',
    responses: {
      200: { description: 'ok or degraded (serving, with errors listed).', content: { 'application/json': { schema: healthSchema } } },
      503: { description: 'unavailable: no snapshot could be read.', content: { 'application/json': { schema: healthSchema } } },
    },
  });
  app.openapi(route, async (c) => {
    const health = await deps.catalog.health();
    const snapshot = health.snapshot && {
      version: health.snapshot.manifest.version,
      created: health.snapshot.manifest.created,
      published: health.snapshot.pointer.published,
      age_seconds: Math.max(0, Math.round((Date.now() - Date.parse(health.snapshot.manifest.created)) / 1000)),
      source: health.snapshot.manifest.source,
      species: Object.keys(health.snapshot.manifest.species).length,
    };
    const body = {
      status: health.status,
      snapshot,
      loaded_species: health.loadedSpecies,
      memory_bytes: health.memoryBytes,
      xz_memory_bytes: health.xzMemoryBytes,
      errors: health.errors,
    };
    return c.json(body, health.status === 'unavailable' ? 503 : 200, { 'cache-control': 'no-store' });
  });
}
