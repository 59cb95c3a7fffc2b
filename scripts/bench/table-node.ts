/**
 * The fair ceiling of the HTTP benchmark on Node: a Hono app on @hono/node-server that returns
 * the product's own answer bytes and headers from a precomputed table (no validation, no
 * index, no caches). `TABLE=answers.json PORT=n node table-node.ts`
 */
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { tableApp } from './table-app.ts';

serve({ fetch: tableApp(JSON.parse(readFileSync(process.env.TABLE!, 'utf8'))).fetch, port: Number(process.env.PORT ?? 8789), hostname: '127.0.0.1' });
