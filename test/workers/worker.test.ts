/**
 * The deployed entry point (functions/worker.ts) in workerd, reading a real R2 binding.
 * REFRESH_SECONDS is 1 here (vitest.config.ts) so the hot-swap test waits only briefly.
 */
import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, seed } from './fixture.ts';

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`https://worker.test${path}`, { headers });
/** Labels of the ranked suggestions (typo suggestions left out). */
const labels = async (response: Response) =>
  ((await response.json()) as { suggestions: { label: string; match: { kind: string } }[] }).suggestions.filter((s) => s.match.kind !== 'typo').map((s) => s.label);

describe('worker entry in workerd', () => {
  beforeAll(() => seed(''));

  it('answers the classic query from R2', async () => {
    const response = await get('/autocomplete?species=homo_sapiens&q=BRC');
    expect(response.status).toBe(200);
    expect((await labels(response)).slice(0, 4)).toEqual(['BRCA1', 'BRCA2', 'BRCC3', 'BRCC3P1']);
  });

  it('answers every client error with problem details', async () => {
    for (const [path, status, parameter] of [
      ['/autocomplete?species=homo_sapiens&q=', 400, 'q'],
      ['/autocomplete?species=homo_sapiens&q=B&limit=1000', 400, 'limit'],
      ['/autocomplete?species=gorilla_gorilla&q=B', 404, undefined],
    ] as const) {
      const response = await get(path);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const body = (await response.json()) as { status: number; parameter?: string };
      expect(body.status).toBe(status);
      expect(body.parameter).toBe(parameter);
    }
  });

  it('answers If-None-Match with 304', async () => {
    const first = await get('/autocomplete?species=mus_musculus&q=brca');
    expect(await labels(first)).toEqual(['Brca1', 'Brca2']);
    const again = await get('/autocomplete?species=mus_musculus&q=brca', { 'if-none-match': first.headers.get('etag')! });
    expect(again.status).toBe(304);
  });

  it('swaps to a new snapshot without a restart and drops species it no longer has', async () => {
    const before = (await (await get('/autocomplete?species=homo_sapiens&q=BRC')).json()) as { snapshot: string };
    expect(before.snapshot).toBe(fixture.versions[0]);
    await seed('', 1);
    await new Promise((r) => setTimeout(r, 1100));
    const after = (await (await get('/autocomplete?species=homo_sapiens&q=BRC')).json()) as { snapshot: string };
    expect(after.snapshot).toBe(fixture.versions[1]);
    expect((await get('/autocomplete?species=bos_taurus&q=B')).status).toBe(404);
    const health = (await (await get('/health')).json()) as { snapshot: { version: string }; loaded_species: { species: string }[] };
    expect(health.snapshot.version).toBe(fixture.versions[1]);
    expect(health.loaded_species.map((s) => s.species).sort()).toEqual(['homo_sapiens', 'mus_musculus']);
  });
});
