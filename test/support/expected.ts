/** The reference answers (copied from the shared data set): they define matching and ranking. */
import { readFileSync } from 'node:fs';

export interface ExpectedCase {
  id: string;
  species: string;
  q: string;
  limit: number;
  kind: string;
  expect_status: number;
  expected?: string[];
  total_matches?: number;
}

export const expectedCases: ExpectedCase[] = JSON.parse(
  readFileSync(new URL('../expected_public.json', import.meta.url), 'utf8'),
).queries;
