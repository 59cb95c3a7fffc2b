/** A Hono app answering each known path with stored bytes and headers (the HTTP benchmark's ceiling). */
import { Hono } from 'hono';

export type AnswerTable = Record<string, { body: string; headers: Record<string, string> }>;

export function tableApp(table: AnswerTable): Hono {
  const app = new Hono();
  app.get('*', (c) => {
    const url = c.req.url;
    const hit = table[url.slice(url.indexOf('/', url.indexOf('//') + 2))];
    // A Response with the headers as a plain object, as the product's cached answers are made:
    // `c.body(…, headers)` would copy several headers into a Headers object, which costs
    // @hono/node-server its fast path and would hold the ceiling below the product.
    return hit ? new Response(hit.body, { status: 200, headers: hit.headers }) : c.notFound();
  });
  return app;
}
