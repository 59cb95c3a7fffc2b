/** Baseline for the HTTP benchmark: an empty Hono app on Workers, answering `[]` to everything. */
import { Hono } from 'hono';

const app = new Hono();
app.get('*', (c) => c.json([]));

export default app;
