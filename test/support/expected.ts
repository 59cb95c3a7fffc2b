/** The reference answers (copied from the shared data set): they define matching and ranking. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

export interface ExpectedCase {
  id: string;
  species: string;
  q: string;
  limit: number;
  expect_status: number;
  /** The ranked answers of tiers 1-5; typo suggestions may follow them. */
  expected?: string[];
  total?: number;
}

export interface TypoCase {
  species: string;
  q: string;
  intended: string;
  top: number;
}

const read = (file: string) => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'));
const publicCases = read('expected_public.json');
const nameCases = read('expected_names.json');

/** Both files' queries; expected_public.json calls the total `total_matches`. */
export const expectedCases: ExpectedCase[] = [
  ...publicCases.queries.map((c: ExpectedCase & { total_matches?: number }) => ({ ...c, total: c.total_matches })),
  ...nameCases.queries,
];

export const typoCases: TypoCase[] = nameCases.typos;

/** The labels of an answer's ranked suggestions (typo suggestions left out). */
function rankedLabels(body: { suggestions: { label: string; match: { kind: string } }[] }): string[] {
  return body.suggestions.filter((s) => s.match.kind !== 'typo').map((s) => s.label);
}

/** One test per reference case and per typo case, each answered by `get` (an app or a server). */
export function itAnswersTheReferenceCases(get: (path: string) => Response | Promise<Response>): void {
  for (const c of expectedCases) {
    it(`${c.id}: ${c.species} ${JSON.stringify(c.q)}`, async () => {
      const params = new URLSearchParams({ species: c.species, q: c.q, limit: String(c.limit) });
      const response = await get(`/autocomplete?${params}`);
      expect(response.status).toBe(c.expect_status);
      const body = await response.json();
      if (c.expect_status === 200) {
        expect(rankedLabels(body)).toEqual(c.expected);
        expect(body.total).toBe(c.total);
      } else {
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(body.status).toBe(c.expect_status);
      }
    });
  }
  for (const t of typoCases) {
    it(`typo ${JSON.stringify(t.q)} finds ${t.intended} in the first ${t.top}`, async () => {
      const body = await (await get(`/autocomplete?${new URLSearchParams({ species: t.species, q: t.q })}`)).json();
      expect(body.suggestions.slice(0, t.top).map((s: { label: string }) => s.label)).toContain(t.intended);
    });
  }
}
