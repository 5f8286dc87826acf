import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BaseServiceEnv, EnvInt, EnvNumber } from '@outdial/service-runtime';
import { IsInt, IsNotEmpty, IsNumber, IsString, Max, Min } from 'class-validator';

export class IngestEnv extends BaseServiceEnv {
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  override HTTP_PORT: number = 8011;

  /** Largest accepted upload, in bytes (SPEC §2: default 100 MB). */
  @EnvInt()
  @IsInt()
  @Min(1)
  INGEST_MAX_FILE_BYTES: number = 100 * 1024 * 1024;

  /** Most data rows in one batch (SPEC §2: default 1,000,000). */
  @EnvInt()
  @IsInt()
  @Min(1)
  INGEST_MAX_ROWS: number = 1_000_000;

  /** Contacts per hand-over message to the scheduler and reporting. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(5000)
  INGEST_CHUNK_CONTACTS: number = 1000;

  /** Most columns in one upload: wider files are refused rather than stored as huge variable maps. */
  @EnvInt()
  @IsInt()
  @Min(2)
  @Max(100_000)
  INGEST_MAX_COLUMNS: number = 1000;

  /**
   * Worker threads that normalize phone numbers (libphonenumber is the hot spot of a large file).
   * 0 = normalize on the main thread.
   */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(16)
  INGEST_PHONE_WORKERS: number = 1;

  /** Uploads of at least this many bytes use the phone workers; small ones are faster inline. */
  @EnvInt()
  @IsInt()
  @Min(0)
  INGEST_WORKER_MIN_BYTES: number = 256 * 1024;

  /**
   * Local directory for the hand-over spool: the contacts' message JSON is written there during an
   * ingest (about 250 MB per million contacts) and deleted once the batch is handed over.
   */
  @IsString()
  @IsNotEmpty()
  INGEST_SPOOL_DIR: string = join(tmpdir(), 'outdial-ingest-spool');

  @EnvNumber()
  @IsNumber()
  @Min(0)
  COST_PER_MINUTE: number = 0.09;

  /** Average call length assumed by the estimate at create time (SPEC §8: 3 minutes). */
  @EnvNumber()
  @IsNumber()
  @Min(0)
  ESTIMATED_CALL_MINUTES: number = 3;
}
