/**
 * Child process of the cold-start benchmark: milliseconds of the edge's module-scope warm-up
 * (functions/warm-up.ts) in a fresh process, where V8 runs it cold as a fresh isolate does.
 *
 *   node scripts/bench/warm-up-probe.ts
 */
import { warmUp } from '../../functions/warm-up.ts';
import { nodeXzDecoder } from '../../snapshot/refresh/xz-node.ts';

const xz = nodeXzDecoder();
const started = performance.now();
const made = await warmUp(xz);
process.stdout.write(JSON.stringify({ ms: performance.now() - started, made }));
