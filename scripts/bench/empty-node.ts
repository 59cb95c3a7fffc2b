/** Baseline for the Node adapter: an empty Hono app on @hono/node-server. `PORT=n node empty-node.ts` */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('*', (c) => c.json([]));
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 8788), hostname: '127.0.0.1' });
