/**
 * CORS headers are the same whichever path answers: the index (through hono/cors) or the
 * isolate's answer cache (which builds them itself, functions/cors.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../functions/app.ts';
import { SnapshotCatalog } from '../functions/catalog/catalog.ts';
import { parseConfig } from '../functions/config.ts';
import { dirSource } from '../functions/node/dir-source.ts';
import { nodeXzDecoder } from '../snapshot/refresh/xz-node.ts';
import { buildSnapshotDir } from './support/sample.ts';

let dir: string;
beforeAll(async () => {
  dir = await buildSnapshotDir();
}, 60_000);

function appWith(corsOrigins: string) {
  const catalog = new SnapshotCatalog(dirSource(dir), nodeXzDecoder(), { refreshSeconds: 60, retrySeconds: 5, memoryBudgetBytes: 64 << 20 });
  return createApp({ catalog, config: parseConfig({ CORS_ORIGINS: corsOrigins }) });
}

const CORS_HEADERS = ['access-control-allow-origin', 'access-control-expose-headers', 'vary'];
const corsOf = (response: Response) => Object.fromEntries(CORS_HEADERS.map((h) => [h, response.headers.get(h)]));

describe('CORS on answers', () => {
  for (const [policy, origin, allowed] of [
    ['*', 'https://portal.example', '*'],
    ['*', undefined, '*'],
    ['https://a.example, https://portal.example', 'https://portal.example', 'https://portal.example'],
    ['https://a.example', 'https://portal.example', null],
    ['https://a.example', undefined, null],
  ] as const) {
    it(`CORS_ORIGINS=${policy}, origin ${origin ?? '(none)'}: the cached answer carries the index answer's headers`, async () => {
      const app = appWith(policy);
      const headers: Record<string, string> = origin ? { origin } : {};
      for (const route of ['/autocomplete?species=homo_sapiens&q=BRC', '/gene_suggest?species=homo_sapiens&query=BRC']) {
        const fromIndex = await app.request(route, { headers });
        const fromCache = await app.request(route, { headers });
        expect(await fromCache.text()).toBe(await fromIndex.text());
        expect(corsOf(fromIndex)['access-control-allow-origin']).toBe(allowed);
        expect(corsOf(fromIndex)['access-control-expose-headers']).toBe('ETag');
        expect(corsOf(fromCache)).toEqual(corsOf(fromIndex));
      }
    });
  }

  it('answers a preflight for an allowed origin', async () => {
    const response = await appWith('https://portal.example').request('/autocomplete?species=homo_sapiens&q=BRC', {
      method: 'OPTIONS',
      headers: { origin: 'https://portal.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://portal.example');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,HEAD,OPTIONS');
    expect(response.headers.get('access-control-allow-headers')).toBe('if-none-match');
  });
});
