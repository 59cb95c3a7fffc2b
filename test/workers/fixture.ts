/** Seeds the R2 binding of the test worker with the snapshot built in global-setup.ts. */
import { env } from 'cloudflare:test';
import { inject } from 'vitest';
import { keys } from '../../snapshot/format.ts';

export const fixture = inject('snapshot');

export function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

const objects = Object.entries(fixture.objects).map(([key, base64]) => [key, bytesOf(base64)] as const);
/** Puts in flight at once: seeding object by object took ~3 s a test. */
const PUTS_AT_ONCE = 32;

/** Puts both versions under `prefix`, then points at version `which` (0 or 1). */
export async function seed(prefix: string, which: 0 | 1 = 0): Promise<void> {
  for (let i = 0; i < objects.length; i += PUTS_AT_ONCE) {
    await Promise.all(objects.slice(i, i + PUTS_AT_ONCE).map(([key, bytes]) => env.SNAPSHOTS.put(prefix + key, bytes)));
  }
  await env.SNAPSHOTS.put(prefix + keys.pointer, fixture.pointers[which]);
}

