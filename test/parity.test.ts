/**
 * One HTTP suite, two runtimes: the Node server (`npm run serve:node`, functions/node/server.ts)
 * and the deployable worker bundle (`wrangler deploy --dry-run`) running in workerd with its R2
 * binding, both over the same snapshot and reached over loopback HTTP. Every check runs against
 * both, and a set of requests must get byte-identical answers from the two.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthSchema, speciesListSchema } from '../functions/routes/schemas.ts';
import { startNodeServer, type RunningServer } from '../functions/node/server.ts';
import { expectedCases, itAnswersTheReferenceCases } from './support/expected.ts';
import { buildSnapshotDir } from './support/sample.ts';
import { buildWorkerBundle, startBundledWorker, type RunningWorker, type WorkerBundle } from './support/worker-bundle.ts';

let snapshotDir: string;
let bundle: WorkerBundle;
let node: RunningServer;
let worker: RunningWorker;

beforeAll(async () => {
  [snapshotDir, bundle] = await Promise.all([buildSnapshotDir(), buildWorkerBundle()]);
  [node, worker] = await Promise.all([startNodeServer({ SNAPSHOT_DIR: snapshotDir, PORT: '0' }), startBundledWorker(bundle, snapshotDir)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([node?.close(), worker?.close()]);
  await Promise.all([snapshotDir, bundle?.dir].filter(Boolean).map((dir) => rm(dir!, { recursive: true, force: true })));
});

const targets = {
  node: () => node.url,
  workerd: () => worker.url,
};

type Target = keyof typeof targets;

describe.each(Object.keys(targets) as Target[])('%s', (target) => {
  const get = (path: string, headers: Record<string, string> = {}) => fetch(targets[target]() + path, { headers });
  const labels = (body: { suggestions: { label: string }[] }) => body.suggestions.map((s) => s.label);

  describe('reference cases (expected_public.json, expected_names.json)', () => {
    it('has all 101 cases', () => expect(expectedCases).toHaveLength(101));
    itAnswersTheReferenceCases(get);
  });

  it('GET /autocomplete returns stable IDs, locations and the snapshot version', async () => {
    const response = await get('/autocomplete?species=Homo%20Sapiens&q=BRCA1');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await response.json();
    expect(body).toMatchObject({ species: 'homo_sapiens', q: 'BRCA1', total: 1 });
    expect(body.suggestions[0]).toMatchObject({ label: 'BRCA1', stable_ids: ['ENSG00000012048'] });
    expect(body.suggestions[0].locations[0]).toMatch(/^17:\d+-\d+$/);
    expect(body.snapshot).toMatch(/^\d{8}T\d{6}Z-/);
  });

  it('GET /gene_suggest returns a bare array of labels', async () => {
    const suggested = (await (await get('/gene_suggest?species=homo_sapiens&query=BRC')).json()) as string[];
    expect(suggested.slice(0, 4)).toEqual(['BRCA1', 'BRCA2', 'BRCC3', 'BRCC3P1']);
    expect(suggested).toEqual(labels((await (await get('/autocomplete?species=homo_sapiens&q=BRC')).json()) as { suggestions: { label: string }[] }));
  });

  it.each([
    ['q', '/autocomplete?species=homo_sapiens&q=%20'],
    ['limit', '/autocomplete?species=homo_sapiens&q=B&limit=101'],
    ['species', '/autocomplete?q=B'],
    ['query', '/gene_suggest?species=homo_sapiens'],
  ])('answers 400 naming %s for %s', async (parameter, path) => {
    const response = await get(path);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ type: 'about:blank', status: 400, parameter });
  });

  it('answers an unknown species with 404 pointing to /species', async () => {
    const response = await get('/autocomplete?species=gorilla_gorilla&q=BRC');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: 404, see: '/species' });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await get('/nope');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it.each(['/autocomplete?species=homo_sapiens&q=BRC', '/species'])('answers %s revalidation with 304', async (path) => {
    const first = await get(path);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=300');
    const second = await get(path, { 'if-none-match': etag! });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
  });

  it('GET /species lists the 19 species with label counts', async () => {
    const body = speciesListSchema.parse(await (await get('/species')).json());
    expect(body.species).toHaveLength(19);
    expect(body.species).toContainEqual({ name: 'homo_sapiens', labels: 36609 });
  });

  it('GET /health reports the snapshot and the species loaded', async () => {
    await get('/autocomplete?species=mus_musculus&q=Brca');
    const response = await get('/health');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = healthSchema.parse(await response.json());
    expect(body.status).toBe('ok');
    expect(body.snapshot?.species).toBe(19);
    expect(body.loaded_species.map((s) => s.species)).toContain('mus_musculus');
  });

  it('allows cross-origin reads and preflights', async () => {
    const simple = await get('/species', { origin: 'https://example.org' });
    expect(simple.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await fetch(`${targets[target]()}/autocomplete`, {
      method: 'OPTIONS',
      headers: { origin: 'https://example.org', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('GET');
  });

  it('serves the demo page at /', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8$/i);
    // Scripts from this origin (the element at /widget.js) and the page's own inline script and style by hash.
    expect(response.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; script-src 'self' 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[A-Za-z0-9+/=]+'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'$/,
    );
    const html = await response.text();
    // The combobox is inside the element's shadow root; the page has the element and loads it.
    expect(html).toContain('<script type="module" src="widget.js"></script>');
    expect(html).toMatch(/<gene-autocomplete species="homo_sapiens" species-picker [^>]*><\/gene-autocomplete>/);
    expect(new TextEncoder().encode(html).byteLength).toBeLessThan(30 * 1024);
  });

  it('serves the OpenAPI document and the interactive reference', async () => {
    const doc = await (await get('/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/autocomplete', '/gene_suggest', '/health', '/species']);
    const docs = await get('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await docs.text()).toContain('/openapi.json');
  });
});

describe('node and workerd give the same answers', () => {
  it.each([
    '/autocomplete?species=homo_sapiens&q=BRC',
    '/autocomplete?species=mus_musculus&q=brca&limit=3',
    '/autocomplete?species=danio_rerio&q=a',
    '/gene_suggest?species=homo_sapiens&query=tp5',
    '/species',
    '/autocomplete?species=homo_sapiens&q=B&limit=0',
    '/autocomplete?species=gorilla_gorilla&q=BRC',
    '/nope',
    '/',
    '/widget.js',
    '/openapi.json',
    '/docs',
  ])('%s', async (path) => {
    const [a, b] = await Promise.all([fetch(node.url + path), fetch(worker.url + path)]);
    expect(b.status).toBe(a.status);
    for (const header of ['content-type', 'etag', 'cache-control', 'access-control-allow-origin', 'content-security-policy']) {
      expect([header, b.headers.get(header)]).toEqual([header, a.headers.get(header)]);
    }
    expect(await b.text()).toBe(await a.text());
  });

  it('/health has the same shape and snapshot', async () => {
    const [a, b] = await Promise.all([node.url, worker.url].map(async (url) => healthSchema.parse(await (await fetch(`${url}/health`)).json())));
    expect(b!.snapshot?.version).toBe(a!.snapshot?.version);
    expect(b!.status).toBe(a!.status);
  });
});
