/** Worker thread of the encoder pool: runs shard jobs posted by encode-pool.ts. */
import { parentPort } from 'node:worker_threads';
import { runShardJob, type ShardJob } from './shard-job.ts';

parentPort!.on('message', async ({ id, job }: { id: number; job: ShardJob }) => {
  try {
    const shard = await runShardJob(job);
    parentPort!.postMessage({ id, shard }, [shard.bytes.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
