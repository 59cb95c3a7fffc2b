/**
 * GET / serves the demo page. Not part of the OpenAPI document (it is a page, not the API).
 * Its Content-Security-Policy allows scripts from this origin (the element at /widget.js) and
 * the page's own inline script and style by hash, requests to this origin only, and no DOM
 * writes of strings as markup (Trusted Types), which the element never does.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { DEMO_CSS, DEMO_HTML, DEMO_JS } from './page.ts';

let csp: Promise<string> | undefined;

async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return `'sha256-${btoa(String.fromCharCode(...digest))}'`;
}

/** The policy, computed once per isolate or process. */
export function demoCsp(): Promise<string> {
  csp ??= Promise.all([sha256(DEMO_JS), sha256(DEMO_CSS)]).then(
    ([script, style]) =>
      `default-src 'none'; script-src 'self' ${script}; style-src ${style}; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'`,
  );
  return csp;
}

export function registerDemo(app: OpenAPIHono): void {
  app.get('/', async (c) =>
    c.html(DEMO_HTML, 200, {
      'cache-control': 'public, max-age=300',
      'content-security-policy': await demoCsp(),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    }),
  );
}
