/** A Hono app answering each known path with stored bytes and headers (the HTTP benchmark's ceiling). */
import { Hono } from 'hono';

export type AnswerTable = Record<string, { body: string; headers: Record<string, string> }>;

export function tableApp(table: AnswerTable): Hono {
  const app = new Hono();
  app.get('*', (c) => {
    const url = c.req.url;
    const hit = table[url.slice(url.indexOf('/', url.indexOf('//') + 2))];
    return hit ? c.body(hit.body, 200, hit.headers) : c.notFound();
  });
  return app;
}
