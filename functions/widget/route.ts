/**
 * GET /widget.js serves the <gene-autocomplete> element (an ES module) with the same bytes and
 * headers from the worker and the Node server. Not part of the OpenAPI document.
 *
 * Any origin may load it. A cross-origin module script needs CORS, so an origin the cors
 * middleware allows gets its header and every other origin gets `*`: the script is public
 * code, and on a page that CORS_ORIGINS leaves out the element then says it cannot reach the
 * service instead of silently never appearing. The API it calls stays behind CORS_ORIGINS.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { matchesIfNoneMatch } from '../http-cache.ts';
import { WIDGET_JS } from './element.ts';

/** The URL has no version, so caches keep it a day and then revalidate by ETag. */
const CACHE_CONTROL = 'public, max-age=86400';

let etag: Promise<string> | undefined;

/** A strong ETag from the source's hash, computed once per isolate or process. */
function widgetEtag(): Promise<string> {
  etag ??= crypto.subtle.digest('SHA-256', new TextEncoder().encode(WIDGET_JS)).then((digest) => {
    const hex = [...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
    return `"${hex}"`;
  });
  return etag;
}

export function registerWidget(app: OpenAPIHono): void {
  app.get('/widget.js', async (c) => {
    const tag = await widgetEtag();
    const headers = {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': CACHE_CONTROL,
      etag: tag,
      // Kept by Hono only where the cors middleware set no header of its own.
      'access-control-allow-origin': '*',
      'x-content-type-options': 'nosniff',
    };
    if (matchesIfNoneMatch(c.req.header('if-none-match'), tag)) return c.body(null, 304, headers);
    return c.body(WIDGET_JS, 200, headers);
  });
}
