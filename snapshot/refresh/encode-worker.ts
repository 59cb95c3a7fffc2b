/**
 * Worker thread of the encoder pool: runs species jobs posted by encode-pool.ts one at a time,
 * in the order they came (a job awaits xz off the thread; the next must not start meanwhile,
 * or two species would be held at once).
 */
import { parentPort } from 'node:worker_threads';
import { runSpeciesJob, type SpeciesJob } from './species-job.ts';

let queue = Promise.resolve();

parentPort!.on('message', (message: { id: number; job: SpeciesJob }) => {
  queue = queue.then(() => run(message));
});

async function run({ id, job }: { id: number; job: SpeciesJob }): Promise<void> {
  try {
    const species = await runSpeciesJob(job);
    const transfer = species.objects.flatMap((o) => (o.bytes ? [o.bytes.buffer as ArrayBuffer] : []));
    parentPort!.postMessage({ id, species }, transfer);
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
}
