/**
 * Extracts the WASM decoder embedded (as a base64 data URL) in the xz-decompress package into
 * snapshot/xz-decompress.wasm, so Workers can import it precompiled: workerd forbids compiling
 * WASM from bytes at run time. Runs from `npm install` (the `prepare` script); idempotent.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const source = readFileSync(require.resolve('xz-decompress'), 'utf8');
const match = /"data:application\/wasm;base64,([A-Za-z0-9+/=]+)"/.exec(source);
if (!match) {
  console.error('extract-xz-wasm: no embedded WASM found in xz-decompress; has the package layout changed?');
  process.exit(1);
}
const wasm = Buffer.from(match[1]!, 'base64');
const target = new URL('../snapshot/xz-decompress.wasm', import.meta.url);
if (!existsSync(target) || !readFileSync(target).equals(wasm)) {
  writeFileSync(target, wasm);
  console.log(`extract-xz-wasm: wrote snapshot/xz-decompress.wasm (${wasm.byteLength} bytes)`);
}
