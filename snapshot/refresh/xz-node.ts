/** Node adapter: the xz decoder compiled from the extracted .wasm file. */
import { readFileSync } from 'node:fs';
import { createXzDecoder, type XzDecoder } from '../unxz.ts';

export function nodeXzDecoder(): XzDecoder {
  const wasm = readFileSync(new URL('../xz-decompress.wasm', import.meta.url));
  return createXzDecoder(new WebAssembly.Module(wasm));
}
