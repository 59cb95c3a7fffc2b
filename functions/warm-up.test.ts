import { describe, expect, it } from 'vitest';
import { warmUpFiles } from '../scripts/warm-up-data.ts';
import { nodeXzDecoder } from '../snapshot/refresh/xz-node.ts';
import { WARM_UP_FILES } from './warm-up-data.ts';
import { warmUp } from './warm-up.ts';

/**
 * Chunks and typo objects are named by the hash of their JSON: equal names, equal content.
 * (The root names its objects' keys, which hold the version, so its name differs each time.)
 */
function objectNames(files: Iterable<[string, Uint8Array | string]>): string[] {
  const map = new Map(files);
  const text = (key: string) => {
    const body = map.get(key)!;
    return typeof body === 'string' ? atob(body) : new TextDecoder().decode(body);
  };
  const manifest = JSON.parse(text(JSON.parse(text('current.json')).manifest));
  const root = manifest.species.warm_up.root.key;
  return [...map.keys()].filter((k) => k.endsWith('.json.xz') && k !== root).map((k) => k.split('/').pop()!).sort();
}

describe('module-scope warm-up', () => {
  it('answers its queries from the built-in snapshot under the current format checks', async () => {
    const made = await warmUp(nodeXzDecoder(), 1);
    // Ten answers, most with ten suggestions of a few hundred bytes of JSON each.
    expect(made).toBeGreaterThan(10_000);
  });

  it('runs the same work every round', async () => {
    const xz = nodeXzDecoder();
    expect(await warmUp(xz, 2)).toBe(2 * (await warmUp(xz, 1)));
  });

  it('holds what the builder makes today (else: node scripts/warm-up-data.ts)', async () => {
    const committed = objectNames(Object.entries(WARM_UP_FILES));
    expect(committed.length).toBeGreaterThan(3); // chunks and typo objects
    expect(committed).toEqual(objectNames(await warmUpFiles()));
  });
});
