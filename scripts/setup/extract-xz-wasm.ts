/**
 * Extracts the WASM decoder embedded (as a base64 data URL) in the xz-decompress package into
 * snapshot/xz-decompress.wasm, so Workers can import it precompiled: workerd forbids compiling
 * WASM from bytes at run time. Idempotent.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function extractXzWasm(log: (line: string) => void): void {
  const source = readFileSync(require.resolve('xz-decompress'), 'utf8');
  const match = /"data:application\/wasm;base64,([A-Za-z0-9+/=]+)"/.exec(source);
  if (!match) throw new Error('no embedded WASM found in xz-decompress; has the package layout changed?');
  const wasm = Buffer.from(match[1]!, 'base64');
  const target = new URL('../../snapshot/xz-decompress.wasm', import.meta.url);
  if (existsSync(target) && readFileSync(target).equals(wasm)) return;
  writeFileSync(target, wasm);
  log(`wrote snapshot/xz-decompress.wasm (${wasm.byteLength} bytes)`);
}
