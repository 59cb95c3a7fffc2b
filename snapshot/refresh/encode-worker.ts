/** Worker thread of the encoder pool: runs species jobs posted by encode-pool.ts. */
import { parentPort } from 'node:worker_threads';
import { runSpeciesJob, type SpeciesJob } from './species-job.ts';

parentPort!.on('message', async ({ id, job }: { id: number; job: SpeciesJob }) => {
  try {
    const species = await runSpeciesJob(job);
    const transfer = species.objects.flatMap((o) => (o.bytes ? [o.bytes.buffer as ArrayBuffer] : []));
    parentPort!.postMessage({ id, species }, transfer);
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
