/**
 * Encodes species on worker threads, so that building and xz (synchronous, CPU-bound)
 * overlap with reading the next species from MySQL and with uploads. `size` 0 runs inline.
 */
import { Worker } from 'node:worker_threads';
import type { EncodedSpecies } from './encode.ts';
import { runSpeciesJob, type SpeciesJob } from './species-job.ts';

interface Pending {
  resolve(shard: EncodedSpecies): void;
  reject(error: Error): void;
}

export class EncodePool {
  readonly size: number;
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private readonly pending = new Map<number, Pending>();
  private readonly owner = new Map<Worker, number>();
  private nextId = 0;
  private closed = false;

  constructor(size: number) {
    this.size = Math.max(0, Math.floor(size));
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(new URL('./encode-worker.ts', import.meta.url));
      worker.on('message', (message: { id: number; species?: EncodedSpecies; error?: string }) => {
        const job = this.pending.get(message.id);
        this.pending.delete(message.id);
        this.owner.delete(worker);
        this.release(worker);
        if (!job) return;
        if (message.species) job.resolve(message.species);
        else job.reject(new Error(message.error ?? 'encoder worker failed'));
      });
      worker.on('error', (error) => this.fail(worker, error instanceof Error ? error : new Error(String(error))));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(worker, new Error(`encoder worker exited with code ${code}`));
      });
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  private fail(worker: Worker, error: Error): void {
    const id = this.owner.get(worker);
    if (id === undefined) return;
    this.owner.delete(worker);
    const job = this.pending.get(id);
    this.pending.delete(id);
    job?.reject(error);
  }

  private release(worker: Worker): void {
    const next = this.waiting.shift();
    if (next) next(worker);
    else this.idle.push(worker);
  }

  private acquire(): Promise<Worker> {
    const worker = this.idle.pop();
    if (worker) return Promise.resolve(worker);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async run(job: SpeciesJob): Promise<EncodedSpecies> {
    if (this.closed) throw new Error('encoder pool is closed');
    if (this.size === 0) return runSpeciesJob(job);
    const worker = await this.acquire();
    const id = this.nextId++;
    return new Promise<EncodedSpecies>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.owner.set(worker, id);
      worker.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.pending.values()) job.reject(new Error('encoder pool closed'));
    this.pending.clear();
    await Promise.all(this.all.map((worker) => worker.terminate()));
  }
}
