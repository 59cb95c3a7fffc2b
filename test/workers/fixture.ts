/** Seeds the R2 binding of the test worker with the snapshot built in global-setup.ts. */
import { env } from 'cloudflare:test';
import { inject } from 'vitest';
import { keys } from '../../snapshot/format.ts';

export const fixture = inject('snapshot');

export function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** Puts both versions under `prefix` and points at version `which` (0 or 1). */
export async function seed(prefix: string, which: 0 | 1 = 0): Promise<void> {
  for (const [key, base64] of Object.entries(fixture.objects)) await env.SNAPSHOTS.put(prefix + key, bytesOf(base64));
  await env.SNAPSHOTS.put(prefix + keys.pointer, fixture.pointers[which]);
}

