import { randomBytes } from 'node:crypto';
import { createWriteStream, WriteStream } from 'node:fs';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { ByteAccumulator } from '../../domain/byte-accumulator';
import { ChunkPlanner } from '../../domain/chunk-planner';

/** Spool files older than this were left by a process that died mid-ingest. */
const STALE_SPOOL_MS = 60 * 60 * 1000;
const SPOOL_PREFIX = 'handover-';
/** Bytes are written to the file in pieces of this size. */
const WRITE_BYTES = 64 * 1024;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/** The `contacts` arrays of a batch's hand-over messages, written while its rows were stored. */
export interface SpooledChunks {
  chunkEnds: number[];
  /** The JSON array of chunk `index`'s contacts. */
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
  /** Chunk i is bytes [offsets[i], offsets[i + 1]) of the file: "[" and its contacts, without the "]". */
  private readonly offsets: number[] = [];
  private readonly pending = new ByteAccumulator(WRITE_BYTES);
  private flushedBytes = 0;
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
    const flushed = this.pending.length === 0 || this.pending.fits(json, 1) ? undefined : this.flush();
    // The separator is known once the contact's size in bytes is: "[" opens a chunk, "," follows a contact.
    const separatorAt = this.pending.reserve();
    const bytes = this.pending.append(json);
    if (this.planner.add(row, bytes + 1)) {
      this.pending.setAscii(separatorAt, OPEN_BRACKET);
      this.offsets.push(this.flushedBytes + separatorAt);
    } else {
      this.pending.setAscii(separatorAt, COMMA);
    }
    return flushed;
  }

  private flush(): Promise<void> | undefined {
    const bytes = this.pending.take();
    this.flushedBytes += bytes.length;
    if (this.out.write(bytes)) return undefined;
    return new Promise((resolve) => this.out.once('drain', resolve));
  }

  /** Closes the file; the chunks can then be read back in any order. */
  async finish(): Promise<SpooledChunks> {
    // No need to wait for 'drain': end() below resolves once everything written is flushed.
    void this.flush();
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
        const length = offsets[index + 1] - start;
        const buffer = Buffer.allocUnsafe(length + 1);
        const { bytesRead } = await file.read(buffer, 0, length, start);
        if (bytesRead !== length) throw new Error(`hand-over spool ${path} is shorter than expected`);
        buffer[length] = CLOSE_BRACKET;
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
