/**
 * docs/deploy.md's configuration tables list every setting the code reads, with the defaults
 * the code applies: the worker's (functions/config.ts) and the Node server's
 * (functions/node/server.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema, parseConfig } from '../functions/config.ts';
import { nodeSettingsSchema, parseNodeSettings } from '../functions/node/server.ts';

const deploy = readFileSync(new URL('../docs/deploy.md', import.meta.url), 'utf8');

/** `| \`NAME\` | default | meaning |` rows of the tables, by name. */
const rows = new Map(
  [...deploy.matchAll(/^\| `([A-Z0-9_]+)` \| ([^|]*) \|/gm)].map((m) => [m[1]!, m[2]!.trim()]),
);

function expectDocumented(name: string, value: unknown): void {
  expect(rows.has(name), `${name} is in docs/deploy.md`).toBe(true);
  const cell = rows.get(name)!;
  if (value === undefined) expect(cell, name).toMatch(/^unset|^`AWS_REGION`/);
  else if (value === '') expect(cell, name).toMatch(/^`''`/);
  else expect(cell, name).toMatch(new RegExp(`^\`${String(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\``));
}

describe('docs/deploy.md configuration', () => {
  it('documents every worker setting with its default', () => {
    const defaults = parseConfig({});
    for (const name of Object.keys(configSchema.shape)) expectDocumented(name, defaults[name as keyof typeof defaults]);
  });

  it('documents every Node server setting with its default', () => {
    const defaults = parseNodeSettings({});
    for (const name of Object.keys(nodeSettingsSchema.shape)) expectDocumented(name, defaults[name as keyof typeof defaults]);
  });

  it('lists nothing the code does not read', () => {
    const known = new Set([...Object.keys(configSchema.shape), ...Object.keys(nodeSettingsSchema.shape)]);
    expect([...rows.keys()].filter((name) => !known.has(name))).toEqual([]);
  });
});
