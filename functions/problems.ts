/**
 * Errors as RFC 9457 problem details (`application/problem+json`). Handlers throw a
 * ProblemError (an HTTPException); the app's single onError shapes every response.
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface Problem {
  type: 'about:blank';
  title: string;
  status: number;
  detail: string;
  /** The query parameter at fault (400). */
  parameter?: string;
  /** Where to look next, e.g. `/species` for an unknown species (404). */
  see?: string;
}

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class ProblemError extends HTTPException {
  readonly problem: Problem;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    detail: string,
    extra: { parameter?: string; see?: string } = {},
    headers: Record<string, string> = {},
  ) {
    super(status, { message: detail });
    this.problem = { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, ...extra };
    this.headers = headers;
  }

  toResponse(): Response {
    return new Response(JSON.stringify(this.problem), {
      status: this.problem.status,
      headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...this.headers },
    });
  }
}

export const badParameter = (parameter: string, detail: string) => new ProblemError(400, detail, { parameter });
