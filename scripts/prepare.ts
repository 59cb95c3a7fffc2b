/**
 * The `prepare` script: what `npm install` / `npm ci` must finish in a fresh clone. It runs on
 * the project's own Node (the `node` devDependency, first on PATH in every npm script).
 */
import { fileURLToPath } from 'node:url';
import { extractXzWasm } from './setup/extract-xz-wasm.ts';
import { restoreOptionalNatives } from './setup/optional-natives.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string) => console.log(`prepare: ${line}`);

restoreOptionalNatives(root, log);
extractXzWasm(log);
