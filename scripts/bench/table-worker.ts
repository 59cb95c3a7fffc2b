/** The fair ceiling of the HTTP benchmark on Workers: the answer table bundled in (esbuild aliases `bench-answer-table`). */
// @ts-expect-error: resolved by the benchmark's esbuild alias to the generated table.
import table from 'bench-answer-table';
import { tableApp, type AnswerTable } from './table-app.ts';

export default tableApp(table as AnswerTable);
