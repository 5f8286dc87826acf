import { randomBytes } from 'node:crypto';
import { createWriteStream, WriteStream } from 'node:fs';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ChunkPlanner } from '../../domain/chunk-planner';

/** Spool files older than this were left by a process that died mid-ingest. */
const STALE_SPOOL_MS = 60 * 60 * 1000;
const SPOOL_PREFIX = 'handover-';
/** Text is written to the file in pieces of about this size. */
const WRITE_CHARS = 64 * 1024;

/** The `contacts` arrays of a batch's hand-over messages, written while its rows were stored. */
export interface SpooledChunks {
  chunkEnds: number[];
  /** Chunk i is bytes [offsets[i], offsets[i + 1]) of the file: a JSON array of contacts. */
  read(index: number): Promise<Buffer>;
  discard(): Promise<void>;
}

/**
 * Writes the hand-over messages' contact arrays to a local file while the rows are copied into
 * PostgreSQL, so the hand-over after the commit only reads and publishes them. Building the same
 * JSON with json_agg after the commit took PostgreSQL ~6 s of CPU per million contacts. The file
 * is an optimisation only: after a crash the hand-over rebuilds the messages from the database.
 */
export class HandOverSpool {
  private readonly planner: ChunkPlanner;
  private readonly offsets: number[] = [];
  private pending = '';
  private flushedBytes = 0;
  private chunkOpen = false;
  private failure: Error | null = null;

  private constructor(
    private readonly path: string,
    private readonly out: WriteStream,
    maxContacts: number,
    maxBytes: number,
  ) {
    this.planner = new ChunkPlanner(maxContacts, maxBytes);
    out.on('error', (error) => (this.failure = error));
  }

  static async create(dir: string, name: string, maxContacts: number, maxBytes: number): Promise<HandOverSpool> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${SPOOL_PREFIX}${name}-${randomBytes(6).toString('hex')}.json`);
    const out = createWriteStream(path);
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', reject);
    });
    return new HandOverSpool(path, out, maxContacts, maxBytes);
  }

  /** Removes spool files of earlier processes that died mid-ingest. */
  static async removeStale(dir: string, now = Date.now()): Promise<number> {
    let removed = 0;
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.startsWith(SPOOL_PREFIX))) {
      const path = join(dir, name);
      const info = await stat(path).catch(() => null);
      if (info && now - info.mtimeMs > STALE_SPOOL_MS) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Adds a contact's JSON; resolves when the file can take more (backpressure), else returns nothing. */
  add(row: number, json: string): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    if (this.planner.add(row, Buffer.byteLength(json) + 1)) {
      if (this.chunkOpen) this.pending += ']';
      this.offsets.push(this.flushedBytes + Buffer.byteLength(this.pending));
      this.pending += '[';
      this.chunkOpen = true;
    } else {
      this.pending += ',';
    }
    this.pending += json;
    return this.pending.length >= WRITE_CHARS ? this.flush() : undefined;
  }

  private flush(): Promise<void> | undefined {
    const text = this.pending;
    this.pending = '';
    this.flushedBytes += Buffer.byteLength(text);
    if (this.out.write(text)) return undefined;
    return new Promise((resolve) => this.out.once('drain', resolve));
  }

  /** Closes the file; the chunks can then be read back in any order. */
  async finish(): Promise<SpooledChunks> {
    if (this.chunkOpen) this.pending += ']';
    this.flush();
    this.offsets.push(this.flushedBytes);
    await new Promise<void>((resolve, reject) => {
      this.out.end(() => (this.failure ? reject(this.failure) : resolve()));
    });
    const chunkEnds = this.planner.finish();
    const offsets = this.offsets;
    const path = this.path;
    const file = await open(path, 'r');
    let closed = false;
    return {
      chunkEnds,
      async read(index: number): Promise<Buffer> {
        const start = offsets[index];
        const buffer = Buffer.allocUnsafe(offsets[index + 1] - start);
        const { bytesRead } = await file.read(buffer, 0, buffer.length, start);
        if (bytesRead !== buffer.length) throw new Error(`hand-over spool ${path} is shorter than expected`);
        return buffer;
      },
      async discard(): Promise<void> {
        if (!closed) {
          closed = true;
          await file.close().catch(() => undefined);
        }
        await rm(path, { force: true });
      },
    };
  }

  /** Abandons the spool (the ingest failed): closes and removes the file. */
  async discard(): Promise<void> {
    this.out.destroy();
    await rm(this.path, { force: true });
  }
}
