/**
 * The front door for repeated requests: it answers a request target the isolate has answered
 * for the current snapshot without searching again, with the route's bytes and headers; it
 * leaves revalidations, other spellings and a new snapshot to the route.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { SnapshotCatalog } from '../catalog/catalog.ts';
import { parseConfig } from '../config.ts';
import { dirSource } from '../node/dir-source.ts';
import { nodeXzDecoder } from '../../snapshot/refresh/xz-node.ts';
import { buildSnapshotDir } from '../../test/support/sample.ts';

const HUMAN = (name: string) => name === 'homo_sapiens';
let dir: string;
beforeAll(async () => {
  dir = await buildSnapshotDir({ species: HUMAN });
}, 60_000);

/** An app over the snapshot that counts the searches reaching its catalog, with a controllable clock. */
function counted() {
  const clock = { now: 1_000_000 };
  const catalog = new SnapshotCatalog(dirSource(dir), nodeXzDecoder(), { refreshSeconds: 60, retrySeconds: 5, memoryBudgetBytes: 64 << 20, now: () => clock.now });
  const searches: string[] = [];
  const search = catalog.search.bind(catalog);
  catalog.search = (species, q, limit) => {
    searches.push(q);
    return search(species, q, limit);
  };
  return { app: createApp({ catalog, config: parseConfig({}) }), searches, advance: (seconds: number) => (clock.now += seconds * 1000) };
}

const headersOf = (response: Response) => Object.fromEntries([...response.headers.entries()].sort());

describe('fast answers', () => {
  it('answers a repeated request without searching, with the same bytes and headers', async () => {
    const { app, searches } = counted();
    for (const target of ['/autocomplete?species=homo_sapiens&q=BRC&limit=3', '/gene_suggest?species=homo_sapiens&query=her2']) {
      const first = await app.request(target);
      const again = await app.request(target);
      expect(again.status).toBe(200);
      expect(await again.text()).toBe(await first.text());
      expect(headersOf(again)).toEqual(headersOf(first));
    }
    expect(searches).toEqual(['BRC', 'her2']);
  });

  it('answers a repeated request synchronously, before Hono dispatches it', async () => {
    const { app } = counted();
    const target = 'http://localhost/autocomplete?species=homo_sapiens&q=BRC&limit=3';
    const first = await app.fetch(new Request(target));
    const again = app.fetch(new Request(target));
    // A Response, not a promise of one: @hono/node-server writes it out without awaiting.
    expect(again).toBeInstanceOf(Response);
    expect(await (again as Response).text()).toBe(await first.text());
    const head = app.fetch(new Request(target, { method: 'HEAD' }));
    expect(head).toBeInstanceOf(Promise);
    expect((await head).status).toBe(200);
  });

  it('leaves another spelling of the same request to the route, which answers it alike', async () => {
    const { app, searches } = counted();
    const plain = await (await app.request('/autocomplete?species=homo_sapiens&q=BRC')).text();
    const spelled = await (await app.request('/autocomplete?q=BRC&species=Homo%20sapiens')).text();
    expect(JSON.parse(spelled)).toEqual(JSON.parse(plain));
    expect(searches).toEqual(['BRC', 'BRC']);
  });

  it('answers a revalidation with 304 even when it holds the answer', async () => {
    const { app } = counted();
    const first = await app.request('/autocomplete?species=homo_sapiens&q=BRC');
    const revalidated = await app.request('/autocomplete?species=homo_sapiens&q=BRC', { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(revalidated.status).toBe(304);
  });

  it('never answers from an older snapshot once a new one is current', async () => {
    const { app, advance } = counted();
    const before = await (await app.request('/autocomplete?species=homo_sapiens&q=BRC')).json();
    await buildSnapshotDir({ dir, species: HUMAN });
    advance(61);
    const after = await (await app.request('/autocomplete?species=homo_sapiens&q=BRC')).json();
    expect(after.snapshot).not.toBe(before.snapshot);
    expect(after.suggestions).toEqual(before.suggestions);
  }, 60_000);
});
