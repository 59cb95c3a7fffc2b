/**
 * The API document (/openapi.json) against the running app: every API route is documented,
 * every documented example is valid against its own schema, the parameter examples of each
 * operation give an answer that validates against the documented response schema and matches
 * the documented example answer, and every documented status code can really be produced.
 * Schemas are checked with Ajv (JSON Schema 2020-12, which OpenAPI 3.1 uses) on the published
 * document, not on the zod schemas it is generated from.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeApp, type NodeApp } from '../functions/node/server.ts';
import { VERSION_PATTERN } from '../snapshot/format.ts';
import { buildSnapshotDir } from './support/sample.ts';

/** Pages for people, deliberately outside the API document. */
const PAGES = ['/', '/docs', '/openapi.json', '/widget.js'];

/** A parsed JSON document. */
type Json = any;

interface Operation {
  method: string;
  path: string;
  op: Json;
}

let dir: string;
let emptyDir: string;
let node: NodeApp;
/** The same app over a directory with no snapshot: every data route answers 503. */
let empty: NodeApp;
let doc: Json;
let ajv: Ajv2020;

beforeAll(async () => {
  [dir, emptyDir] = await Promise.all([buildSnapshotDir(), mkdtemp(join(tmpdir(), 'ea-empty-'))]);
  node = createNodeApp({ SNAPSHOT_DIR: dir });
  empty = createNodeApp({ SNAPSHOT_DIR: emptyDir });
  doc = await (await node.app.request('/openapi.json')).json();
  ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  ajv.addKeyword('example');
}, 60_000);

afterAll(async () => {
  await Promise.all([dir, emptyDir].filter(Boolean).map((d) => rm(d, { recursive: true, force: true })));
});

/** A documented schema as a standalone JSON Schema: component refs become $defs. */
function validator(schema: Json) {
  const rewrite = (value: Json): Json => JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"#/$defs/'));
  return ajv.compile({ ...rewrite(schema), $defs: rewrite(doc.components.schemas) });
}

function expectValid(schema: Json, value: unknown, what: string): void {
  const validate = validator(schema);
  const ok = validate(value);
  expect(ok ? [] : validate.errors, `${what} against its schema`).toEqual([]);
}

function resolve(schema: Json): Json {
  const ref: string | undefined = schema?.$ref;
  return ref ? doc.components.schemas[ref.replace('#/components/schemas/', '')] : schema;
}

function documentedOperations(): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) out.push({ method: method.toUpperCase(), path, op });
  }
  return out;
}

/** The query string made of the documented parameter examples. */
function exampleQuery(op: Json): string {
  const params = new URLSearchParams();
  for (const p of op.parameters ?? []) {
    const example = p.example ?? p.schema?.example;
    if (p.required) expect(example, `required parameter ${p.name} has an example`).toBeDefined();
    if (example !== undefined) params.set(p.name, String(example));
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** Snapshot versions differ per build; everything else in an example answer is checked. */
function withoutVersion(body: Json): Json {
  if (body && typeof body === 'object' && !Array.isArray(body) && typeof body.snapshot === 'string') {
    expect(body.snapshot).toMatch(VERSION_PATTERN);
    return { ...body, snapshot: '<version>' };
  }
  return body;
}

/** How an example answer is compared with the real one, where exact equality cannot hold. */
const CLAIMS: Record<string, (example: Json, actual: Json) => void> = {
  // The example lists two of the species (it says so); those two must be there as shown.
  '/species': (example, actual) => {
    expect(actual.snapshot).toMatch(VERSION_PATTERN);
    expect(actual.species).toEqual(expect.arrayContaining(example.species));
  },
  // Times, sizes and what this process has loaded vary; the rest must hold.
  '/health': (example, actual) => {
    expect(actual.status).toBe(example.status);
    expect(actual.snapshot.source).toEqual(example.snapshot.source);
    expect(actual.snapshot.species).toBe(example.snapshot.species);
    expect(actual.errors).toEqual(example.errors);
  },
};

describe('/openapi.json', () => {
  it('is OpenAPI 3.1 and documents every API route of the app, and only those', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const routes = new Set(node.app.routes.filter((r) => r.method !== 'ALL' && !PAGES.includes(r.path)).map((r) => `${r.method} ${r.path}`));
    const documented = new Set(documentedOperations().map((o) => `${o.method} ${o.path}`));
    expect([...documented].sort()).toEqual([...routes].sort());
    expect(documented.size).toBe(4);
    // The pages left out are really there.
    for (const page of PAGES) expect((await node.app.request(page)).status, page).toBe(200);
  });

  it('gives every operation a summary, a 200 answer and examples', () => {
    for (const { path, op } of documentedOperations()) {
      expect(op.summary, path).toEqual(expect.any(String));
      const content = op.responses['200'].content['application/json'];
      expect(content.example ?? resolve(content.schema).example, `${path} example answer`).toBeDefined();
    }
  });

  it('has examples that are valid against their own schemas', () => {
    let checked = 0;
    for (const [name, schema] of Object.entries<Json>(doc.components.schemas)) {
      const visit = (s: Json, where: string) => {
        if (!s || typeof s !== 'object') return;
        if ('example' in s && !('$ref' in s)) {
          expectValid(s, s.example, where);
          checked++;
        }
        for (const [k, v] of Object.entries<Json>(s)) if (k !== 'example' && typeof v === 'object') visit(v, `${where}.${k}`);
      };
      visit(schema, name);
    }
    for (const { path, op } of documentedOperations()) {
      for (const p of op.parameters ?? []) {
        if (p.schema?.example !== undefined) {
          expectValid(p.schema, p.schema.example, `${path} ${p.name}`);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe('documented examples return what they claim', () => {
  it.each(['/autocomplete', '/gene_suggest', '/species', '/health'])('GET %s', async (path) => {
    const operation = documentedOperations().find((o) => o.path === path && o.method === 'GET');
    expect(operation).toBeDefined();
    const { op } = operation!;
    // Load a species first so /health has one, as its example does.
    await node.app.request('/autocomplete?species=homo_sapiens&q=BRC');
    const response = await node.app.request(path + exampleQuery(op));
    expect(response.status).toBe(200);
    const content = op.responses['200'].content['application/json'];
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const actual = await response.json();
    expectValid(content.schema, actual, `${path} answer`);
    const example = content.example ?? resolve(content.schema).example;
    if (CLAIMS[path]) CLAIMS[path](example, actual);
    else expect(withoutVersion(actual)).toEqual(withoutVersion(example));
  });

  it('the documented problem example is the answer to a blank q', async () => {
    const response = await node.app.request('/autocomplete?species=homo_sapiens&q=%20');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(doc.components.schemas.Problem.example);
  });
});

describe('every documented status code happens', () => {
  const get = async (app: NodeApp, path: string, headers: Record<string, string> = {}) => app.app.request(path, { headers });
  /** How to provoke each documented (path, status); a status documented without one fails. */
  const triggers: Record<string, () => Promise<Response>> = {
    'GET /autocomplete 200': () => get(node, '/autocomplete?species=homo_sapiens&q=BRC'),
    'GET /autocomplete 304': () => get(node, '/autocomplete?species=homo_sapiens&q=BRC', { 'if-none-match': '*' }),
    'GET /autocomplete 400': () => get(node, '/autocomplete?species=homo_sapiens&q=B&limit=0'),
    'GET /autocomplete 404': () => get(node, '/autocomplete?species=gorilla_gorilla&q=BRC'),
    'GET /autocomplete 503': () => get(empty, '/autocomplete?species=homo_sapiens&q=BRC'),
    'GET /gene_suggest 200': () => get(node, '/gene_suggest?species=homo_sapiens&query=BRC'),
    'GET /gene_suggest 304': () => get(node, '/gene_suggest?species=homo_sapiens&query=BRC', { 'if-none-match': '*' }),
    'GET /gene_suggest 400': () => get(node, '/gene_suggest?species=homo_sapiens'),
    'GET /gene_suggest 404': () => get(node, '/gene_suggest?species=gorilla_gorilla&query=BRC'),
    'GET /gene_suggest 503': () => get(empty, '/gene_suggest?species=homo_sapiens&query=BRC'),
    'GET /species 200': () => get(node, '/species'),
    'GET /species 304': () => get(node, '/species', { 'if-none-match': '*' }),
    'GET /species 503': () => get(empty, '/species'),
    'GET /health 200': () => get(node, '/health'),
    'GET /health 503': () => get(empty, '/health'),
  };

  it('has a trigger for each documented response, and no trigger for an undocumented one', () => {
    const documented = documentedOperations().flatMap(({ method, path, op }) => Object.keys(op.responses).map((status) => `${method} ${path} ${status}`));
    expect(documented.sort()).toEqual(Object.keys(triggers).sort());
  });

  it.each(Object.keys(triggers))('%s', async (key) => {
    const [method, path, status] = key.split(' ') as [string, string, string];
    const op = doc.paths[path][method.toLowerCase()];
    const response = await triggers[key]!();
    expect(response.status).toBe(Number(status));
    const content = op.responses[status].content;
    if (!content) {
      expect(await response.text()).toBe('');
      return;
    }
    const [type, media] = Object.entries<Json>(content)[0]!;
    expect(response.headers.get('content-type')).toMatch(new RegExp(`^${type.replace('+', '\\+')}`));
    expectValid(media.schema, await response.json(), key);
  });
});
