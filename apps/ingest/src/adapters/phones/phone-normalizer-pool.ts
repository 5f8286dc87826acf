import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { encodePhoneResults, PhoneNormalizer } from '../../domain/phone-block';

const WORKER_YOUNG_GENERATION_MB = 4;
/** Far above the worker's needs; a worker that reaches it is restarted (and its blocks fail). */
const WORKER_OLD_GENERATION_MB = 96;

/** Normalizes on the calling thread (small uploads, or no worker threads configured). */
export const inlinePhoneNormalizer: PhoneNormalizer = {
  normalize: (raws, region) => Promise.resolve(encodePhoneResults(raws, region)),
};

/**
 * A small pool of worker threads, shared by every ingest of the process: the main thread keeps
 * parsing and writing COPY data while libphonenumber runs beside it. Blocks go round-robin; each
 * answer is matched to its request by id.
 */
export class WorkerPhoneNormalizer implements PhoneNormalizer {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (r: string[]) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private turn = 0;

  private constructor(
    private readonly script: string,
    size: number,
  ) {
    for (let i = 0; i < size; i++) this.workers.push(this.spawn());
  }

  /** The pool, or null when the compiled worker script is not there (e.g. tests running sources). */
  static create(size: number): WorkerPhoneNormalizer | null {
    const script = join(__dirname, 'phone-worker.js');
    if (size < 1 || !existsSync(script)) return null;
    return new WorkerPhoneNormalizer(script, size);
  }

  private spawn(): Worker {
    // Its live data is libphonenumber's metadata and one block (~8 MB): a small young generation
    // keeps the worker's heap near that instead of ~40 MB, at the cost of more (cheap) scavenges.
    const worker = new Worker(this.script, {
      resourceLimits: {
        maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
        maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB,
      },
    });
    worker.unref();
    worker.on('message', (message: { id: number; results: string[] }) => {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      waiter?.resolve(message.results);
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      const index = this.workers.indexOf(worker);
      if (index >= 0 && code !== 0) {
        this.failAll(new Error(`phone worker exited with code ${code}`));
        this.workers[index] = this.spawn();
      }
    });
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  normalize(raws: string[], region: string): Promise<string[]> {
    const id = this.nextId++;
    const worker = this.workers[this.turn++ % this.workers.length];
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, raws, region });
    });
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
