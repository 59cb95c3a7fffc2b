/** The reference answers (copied from the shared data set): they define matching and ranking. */
import { readFileSync } from 'node:fs';

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
export function rankedLabels(body: { suggestions: { label: string; match: { kind: string } }[] }): string[] {
  return body.suggestions.filter((s) => s.match.kind !== 'typo').map((s) => s.label);
}
