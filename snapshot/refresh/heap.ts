/**
 * How the refresh keeps its JavaScript heaps near what they hold (docs/refresh.md, "Memory").
 *
 * V8 sizes a heap by its limit, which defaults to a quarter of the machine's memory (4 GB on
 * 24 GB): it lets the old generation grow to ~4x what survived the last full collection before
 * collecting again, and a young generation take 32 MB. The refresh allocates fast (rows, models,
 * JSON) in three isolates (the main thread and two encoder threads on two cores), which then
 * sat at ~130-200 MB each, most of a full refresh's ~900 MB peak; what they held was ~50 MB.
 */
import v8 from 'node:v8';

/** Encoder threads: a 1 GB limit (some 15x what the largest species needs) and a 24 MB young generation, as fast as the default here. */
export const WORKER_HEAP = { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 24 } as const;

/** Old generations grow by 20 % over what survives a full collection. */
export const HEAP_GROWING_PERCENT = 20;

/**
 * Sets the growth for every heap of the process, the main thread's included, whose limits
 * cannot change once it runs. For the CLI, which owns its process; V8 reads the flag at each
 * full collection.
 */
export function limitHeapGrowth(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
