/**
 * Request and response schemas: they validate requests and generate /openapi.json, so the
 * documentation cannot drift from the code.
 */
import { z } from '@hono/zod-openapi';
import { getQueryParams } from 'hono/utils/url';
import type { Config } from '../config.ts';

/** The longest species or query accepted (characters, after trimming). */
export const MAX_PARAMETER_LENGTH = 100;

/** A repeated parameter arrives as an array: say so rather than "expected string". */
const textParameter = (name: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `${name} is required` : `${name} must be given once`) });

const species = textParameter('species')
  .trim()
  .min(1, 'species is required')
  .max(MAX_PARAMETER_LENGTH, `species must be at most ${MAX_PARAMETER_LENGTH} characters`)
  .openapi({ description: 'Ensembl species name; case-insensitive, spaces read as underscores.', example: 'homo_sapiens' });

const prefix = (name: string) =>
  textParameter(name)
    .trim()
    .min(1, `${name} must not be blank`)
    .max(MAX_PARAMETER_LENGTH, `${name} must be at most ${MAX_PARAMETER_LENGTH} characters`)
    .openapi({
      description: 'What was typed so far: the start of a gene label, synonym or previous symbol, or a stable ID (a version suffix is ignored). Case- and accent-insensitive.',
      example: 'HER2',
    });

const limit = (config: Config) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return config.DEFAULT_LIMIT;
      const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
      if (!Number.isInteger(n) || n < 1 || n > config.MAX_LIMIT) {
        ctx.addIssue({ code: 'custom', message: `limit must be an integer from 1 to ${config.MAX_LIMIT}` });
        return z.NEVER;
      }
      return n;
    })
    .openapi({
      type: 'integer',
      minimum: 1,
      maximum: config.MAX_LIMIT,
      default: config.DEFAULT_LIMIT,
      description: 'How many suggestions to return.',
      example: 3,
    });

export function querySchemas(config: Config) {
  return {
    autocomplete: z.object({ species, q: prefix('q'), limit: limit(config) }),
    geneSuggest: z.object({ species, query: prefix('query'), limit: limit(config) }),
  };
}

export type QuerySchemas = ReturnType<typeof querySchemas>;

/**
 * Runs the query schemas over a few typical and bad requests, and Hono's query parsing over a
 * URL: zod prepares each schema on its first use, and at module scope (functions/worker.ts)
 * that costs the Workers startup budget rather than a first request's milliseconds.
 */
export function warmQuerySchemas(schemas: QuerySchemas): number {
  let ok = 0;
  for (const q of ['BRC', 'her2', '', 'x'.repeat(200)]) {
    for (const limit of [undefined, '3', 'ten']) {
      ok += Number(schemas.autocomplete.safeParse({ species: 'homo_sapiens', q, limit }).success);
      ok += Number(schemas.geneSuggest.safeParse({ species: 'homo_sapiens', query: q, limit }).success);
    }
  }
  const parsed = getQueryParams('http://localhost/autocomplete?species=homo_sapiens&q=BRC%20A&limit=3', 'q') as string[] | undefined;
  return ok + (parsed?.length ?? 0);
}

export const suggestionSchema = z
  .object({
    label: z.string().openapi({ example: 'ERBB2' }),
    stable_ids: z.array(z.string()).openapi({ example: ['ENSG00000141736'] }),
    locations: z
      .array(z.string().nullable())
      .openapi({ description: '`chromosome:start-end` of each stable ID, null where unknown.', example: ['17:39700063-39728658'] }),
    biotype: z.string().nullable().openapi({ description: "The gene's biotype (Ensembl), null where unknown.", example: 'protein_coding' }),
    match: z
      .object({
        kind: z.enum(['label', 'synonym', 'stable_id', 'typo']),
        text: z.string().openapi({ description: 'The label, synonym or stable ID that matched, as the source spells it.' }),
      })
      .openapi({
        description:
          'Why the gene is suggested: its label, a synonym (alias or previous symbol), a stable ID, or, after the ranked matches, a name one or two edits from the query (typo). Typo suggestions are not counted in `total`.',
        example: { kind: 'synonym', text: 'HER2' },
      }),
  })
  .openapi('Suggestion');

// Whole-answer examples are real answers from the sample snapshot (data/public.tsv.gz);
// test/openapi.test.ts replays the parameter examples and compares.
const EXAMPLE_VERSION = '20261123T111708Z-1ca303';

export const autocompleteSchema = z
  .object({
    species: z.string().openapi({ example: 'homo_sapiens' }),
    q: z.string().openapi({ example: 'BRC' }),
    total: z.number().int().openapi({ description: 'Genes matching by label, synonym or stable ID in all; `suggestions` holds the first `limit`, then typo suggestions if there is room.', example: 12 }),
    suggestions: z.array(suggestionSchema),
    snapshot: z.string().openapi({ description: 'Version of the snapshot that answered.', example: EXAMPLE_VERSION }),
  })
  .openapi('Autocomplete', {
    example: {
      species: 'homo_sapiens',
      q: 'HER2',
      total: 1,
      suggestions: [
        { label: 'ERBB2', stable_ids: ['ENSG00000141736'], locations: ['17:39700063-39728658'], biotype: 'protein_coding', match: { kind: 'synonym', text: 'HER2' } },
        {
          label: 'HERC2',
          stable_ids: ['ENSG00000128731', 'ENSG00000276802', 'ENSG00000277278'],
          locations: ['15:22494850-22579725', '15:22494850-22579725', '15:22494850-22579725'],
          biotype: 'protein_coding',
          match: { kind: 'typo', text: 'HERC2' },
        },
        { label: 'HES2', stable_ids: ['ENSG00000069812'], locations: ['1:6415233-6419919'], biotype: 'protein_coding', match: { kind: 'typo', text: 'HES2' } },
      ],
      snapshot: EXAMPLE_VERSION,
    },
  });

export const speciesListSchema = z
  .object({
    snapshot: z.string(),
    species: z.array(z.object({ name: z.string().openapi({ example: 'homo_sapiens' }), labels: z.number().int() })),
  })
  .openapi('SpeciesList', {
    description: 'The example shows two of the species.',
    example: {
      snapshot: EXAMPLE_VERSION,
      species: [
        { name: 'homo_sapiens', labels: 36609 },
        { name: 'mus_musculus', labels: 20048 },
      ],
    },
  });

export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'unavailable']),
    snapshot: z
      .object({
        version: z.string(),
        created: z.string(),
        published: z.string(),
        age_seconds: z.number().int(),
        source: z.object({ kind: z.string(), database: z.string().nullable(), release: z.number().nullable() }),
        species: z.number().int(),
      })
      .nullable(),
    loaded_species: z.array(z.object({ species: z.string(), objects: z.number().int(), bytes: z.number().int() })),
    memory_bytes: z.number().int(),
    /** The xz decoder's WASM memory (a high-water mark: it never shrinks). */
    xz_memory_bytes: z.number().int(),
    errors: z.array(z.string()),
  })
  .openapi('Health', {
    example: {
      status: 'ok',
      snapshot: {
        version: EXAMPLE_VERSION,
        created: '2026-11-23T11:17:08.372Z',
        published: '2026-11-23T11:17:11.674Z',
        age_seconds: 864,
        source: { kind: 'tsv', database: null, release: null },
        species: 19,
      },
      loaded_species: [{ species: 'homo_sapiens', objects: 4, bytes: 582219 }],
      memory_bytes: 582219,
      xz_memory_bytes: 720896,
      errors: [],
    },
  });

export const problemSchema = z
  .object({
    type: z.literal('about:blank'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    parameter: z.string().optional(),
    see: z.string().optional(),
  })
  .openapi('Problem', {
    example: { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'q must not be blank', parameter: 'q' },
  });

const problemContent = { 'application/problem+json': { schema: problemSchema } };

export const problemResponses = {
  400: { description: 'Invalid query parameter (named in `parameter`).', content: problemContent },
  404: { description: 'Unknown species; see `/species`.', content: problemContent },
  503: { description: 'No snapshot reachable; retry after `Retry-After` seconds.', content: problemContent },
} as const;
