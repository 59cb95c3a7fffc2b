/**
 * Encodes species on worker threads, so that building and xz (synchronous, CPU-bound)
 * overlap with reading the next species from MySQL and with uploads. `size` 0 runs inline.
 * Each worker's heap gets limits (heap.ts): V8 sizes a heap by its limit.
 */
import { Worker } from 'node:worker_threads';
import type { EncodedSpecies } from './encode.ts';
import { WORKER_HEAP } from './heap.ts';
import { runSpeciesJob, type SpeciesJob } from './species-job.ts';

interface Pending {
  resolve(shard: EncodedSpecies): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  /** Ids of the jobs posted to it, oldest first: it runs them one at a time, in order. */
  queue: number[];
}

export class EncodePool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(size: number) {
    this.size = Math.max(0, Math.floor(size));
    for (let i = 0; i < this.size; i++) {
      const slot: Slot = { worker: new Worker(new URL('./encode-worker.ts', import.meta.url), { resourceLimits: WORKER_HEAP }), queue: [] };
      slot.worker.on('message', (message: { id: number; species?: EncodedSpecies; error?: string }) => {
        slot.queue.splice(slot.queue.indexOf(message.id), 1);
        const job = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (!job) return;
        if (message.species) job.resolve(message.species);
        else job.reject(new Error(message.error ?? 'encoder worker failed'));
      });
      slot.worker.on('error', (error) => this.fail(slot, error instanceof Error ? error : new Error(String(error))));
      slot.worker.on('exit', (code) => {
        if (!this.closed) this.fail(slot, new Error(`encoder worker exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  private fail(slot: Slot, error: Error): void {
    for (const id of slot.queue.splice(0)) {
      this.pending.get(id)?.reject(error);
      this.pending.delete(id);
    }
  }

  /**
   * Posts the job at once to the worker with the fewest jobs: its rows leave this thread's heap
   * (copied, they wait in the worker's message queue) instead of waiting here for a free worker.
   */
  run(job: SpeciesJob): Promise<EncodedSpecies> {
    if (this.closed) return Promise.reject(new Error('encoder pool is closed'));
    if (this.size === 0) return runSpeciesJob(job);
    const slot = this.slots.reduce((a, b) => (b.queue.length < a.queue.length ? b : a));
    const id = this.nextId++;
    const result = new Promise<EncodedSpecies>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    slot.queue.push(id);
    slot.worker.postMessage({ id, job });
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.pending.values()) job.reject(new Error('encoder pool closed'));
    this.pending.clear();
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
