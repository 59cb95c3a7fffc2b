/**
 * The HTTP app in Node over a snapshot built by the project's builder: the reference cases,
 * response shapes, errors and conditional requests. (The same app runs in workerd in
 * test/workers/.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeXzDecoder } from '../snapshot/refresh/xz-node.ts';
import { createApp } from '../functions/app.ts';
import { SnapshotCatalog } from '../functions/catalog/catalog.ts';
import { parseConfig } from '../functions/config.ts';
import { dirSource } from '../functions/node/dir-source.ts';
import { expectedCases, itAnswersTheReferenceCases, typoCases } from './support/expected.ts';
import { buildSnapshotDir } from './support/sample.ts';

let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  const dir = await buildSnapshotDir();
  const config = parseConfig({});
  const catalog = new SnapshotCatalog(dirSource(dir), nodeXzDecoder(), { refreshSeconds: 60, retrySeconds: 5, memoryBudgetBytes: 64 << 20 });
  app = createApp({ catalog, config });
}, 60_000);

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

describe('reference cases (expected_public.json, expected_names.json)', () => {
  it('has all 51 + 50 cases and 7 typo cases', () => {
    expect(expectedCases).toHaveLength(101);
    expect(typoCases).toHaveLength(7);
  });

  itAnswersTheReferenceCases(get);
});

describe('GET /autocomplete', () => {
  it('returns stable IDs, locations and the snapshot version', async () => {
    const response = await get('/autocomplete?species=homo_sapiens&q=BRCA1');
    const body = await response.json();
    expect(body).toMatchObject({ species: 'homo_sapiens', q: 'BRCA1', total: 1 });
    expect(body.suggestions[0].label).toBe('BRCA1');
    expect(body.suggestions[0].stable_ids).toEqual(['ENSG00000012048']);
    expect(body.suggestions[0].locations[0]).toMatch(/^17:\d+-\d+$/);
    expect(body.snapshot).toMatch(/^\d{8}T\d{6}Z-/);
  });

  it('reads species case-insensitively with spaces as underscores', async () => {
    const body = await (await get('/autocomplete?species=Homo%20Sapiens&q=brc')).json();
    expect(body.species).toBe('homo_sapiens');
    expect(body.suggestions.slice(0, 4).map((s: { label: string }) => s.label)).toEqual(['BRCA1', 'BRCA2', 'BRCC3', 'BRCC3P1']);
  });

  it('says how each suggestion matched and carries its biotype', async () => {
    const body = await (await get('/autocomplete?species=homo_sapiens&q=her2')).json();
    expect(body.total).toBe(1);
    expect(body.suggestions[0]).toMatchObject({ label: 'ERBB2', biotype: 'protein_coding', match: { kind: 'synonym', text: 'HER2' } });
    // Fewer than `limit` ranked matches and 4 characters: typo suggestions follow, not counted.
    expect(body.suggestions.length).toBeGreaterThan(1);
    expect(body.suggestions.slice(1).every((s: { match: { kind: string } }) => s.match.kind === 'typo')).toBe(true);
    const id = await (await get('/autocomplete?species=homo_sapiens&q=ENSG00000141510.17')).json();
    expect(id.suggestions[0]).toMatchObject({ label: 'TP53', match: { kind: 'stable_id', text: 'ENSG00000141510' } });
    const label = await (await get('/autocomplete?species=homo_sapiens&q=brca1')).json();
    expect(label.suggestions[0]).toMatchObject({ label: 'BRCA1', match: { kind: 'label', text: 'BRCA1' } });
  });

  it('defaults limit to 10', async () => {
    const body = await (await get('/autocomplete?species=homo_sapiens&q=B')).json();
    expect(body.suggestions).toHaveLength(10);
    const all = await (await get('/autocomplete?species=homo_sapiens&q=B&limit=100')).json();
    expect(body.total).toBe(all.total);
    expect(body.suggestions).toEqual(all.suggestions.slice(0, 10));
  });

  it.each([
    ['q', '/autocomplete?species=homo_sapiens'],
    ['q', '/autocomplete?species=homo_sapiens&q=%20%20'],
    ['q', `/autocomplete?species=homo_sapiens&q=${'A'.repeat(101)}`],
    ['limit', '/autocomplete?species=homo_sapiens&q=B&limit=0'],
    ['limit', '/autocomplete?species=homo_sapiens&q=B&limit=101'],
    ['limit', '/autocomplete?species=homo_sapiens&q=B&limit=2.5'],
    ['limit', '/autocomplete?species=homo_sapiens&q=B&limit=ten'],
    ['species', '/autocomplete?q=B'],
    ['species', '/autocomplete?species=&q=B'],
  ])('answers 400 naming %s for %s', async (parameter, path) => {
    const response = await get(path);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = await response.json();
    expect(body).toMatchObject({ type: 'about:blank', status: 400, parameter });
    expect(body.detail).toEqual(expect.any(String));
  });

  it.each(['__proto__', 'constructor', 'hasOwnProperty'])('answers 404, not 500, for the species name %s', async (name) => {
    const response = await get(`/autocomplete?species=${name}&q=a`);
    expect(response.status).toBe(404);
    expect((await response.json()).see).toBe('/species');
  });

  it('says a repeated parameter must be given once', async () => {
    const response = await get('/autocomplete?species=homo_sapiens&q=a&q=b');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ parameter: 'q', detail: 'q must be given once' });
    const missing = await (await get('/autocomplete?q=a')).json();
    expect(missing).toMatchObject({ parameter: 'species', detail: 'species is required' });
  });

  it('answers 404 with a pointer to /species for an unknown species', async () => {
    const response = await get('/autocomplete?species=gorilla_gorilla&q=BRC');
    expect(response.status).toBe(404);
    const body = await response.json();
    expect(body).toMatchObject({ status: 404, see: '/species' });
    expect(body.detail).toContain('gorilla_gorilla');
  });

  it('sends an ETag and answers a matching If-None-Match with 304', async () => {
    const first = await get('/autocomplete?species=homo_sapiens&q=BRC');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    expect(first.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const second = await get('/autocomplete?species=homo_sapiens&q=BRC', { 'if-none-match': etag });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
    const stale = await get('/autocomplete?species=homo_sapiens&q=BRC', { 'if-none-match': 'W/"1.other"' });
    expect(stale.status).toBe(200);
  });

  it('allows any origin by default', async () => {
    const response = await get('/autocomplete?species=homo_sapiens&q=BRC', { origin: 'https://example.org' });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('other routes', () => {
  it('GET /gene_suggest returns a bare array of labels', async () => {
    const response = await get('/gene_suggest?species=homo_sapiens&query=BRC');
    const full = await (await get('/autocomplete?species=homo_sapiens&q=BRC')).json();
    expect(await response.json()).toEqual(full.suggestions.map((s: { label: string }) => s.label));
    expect(full.suggestions.slice(0, 4).map((s: { label: string }) => s.label)).toEqual(['BRCA1', 'BRCA2', 'BRCC3', 'BRCC3P1']);
    const bad = await get('/gene_suggest?species=homo_sapiens');
    expect(bad.status).toBe(400);
    expect((await bad.json()).parameter).toBe('query');
  });

  it('GET /species lists all 19 species with label counts', async () => {
    const body = await (await get('/species')).json();
    expect(body.species).toHaveLength(19);
    expect(body.species).toContainEqual({ name: 'homo_sapiens', labels: 36609 });
  });

  it('GET /health reports the snapshot and the species loaded here', async () => {
    await get('/autocomplete?species=mus_musculus&q=Brca');
    const body = await (await get('/health')).json();
    expect(body.status).toBe('ok');
    expect(body.snapshot.species).toBe(19);
    expect(body.snapshot.age_seconds).toBeGreaterThanOrEqual(0);
    expect(body.loaded_species.map((s: { species: string }) => s.species)).toContain('mus_musculus');
    expect(body.xz_memory_bytes).toBeGreaterThan(0);
  });

  it('answers other methods with 405 and Allow', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const response = await app.request('/autocomplete?species=homo_sapiens&q=BRC', { method });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await app.request('/autocomplete?species=homo_sapiens&q=BRC', { method: 'HEAD' })).status).toBe(200);
  });

  it('answers unknown routes with a problem, not a stack trace', async () => {
    const response = await get('/nope');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});
