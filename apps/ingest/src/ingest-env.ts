import { IsInt, IsNumber, Max, Min } from 'class-validator';
import { BaseServiceEnv, EnvInt, EnvNumber } from '@outdial/service-runtime';

export class IngestEnv extends BaseServiceEnv {
  @EnvInt() @IsInt() @Min(0) @Max(65535)
  override HTTP_PORT: number = 8011;

  /** Largest accepted upload, in bytes (SPEC §2: default 100 MB). */
  @EnvInt() @IsInt() @Min(1)
  INGEST_MAX_FILE_BYTES: number = 100 * 1024 * 1024;

  /** Most data rows in one batch (SPEC §2: default 1,000,000). */
  @EnvInt() @IsInt() @Min(1)
  INGEST_MAX_ROWS: number = 1_000_000;

  /** Contacts per hand-over message to the scheduler and reporting. */
  @EnvInt() @IsInt() @Min(1) @Max(5000)
  INGEST_CHUNK_CONTACTS: number = 1000;

  @EnvNumber() @IsNumber() @Min(0)
  COST_PER_MINUTE: number = 0.09;

  /** Average call length assumed by the estimate at create time (SPEC §8: 3 minutes). */
  @EnvNumber() @IsNumber() @Min(0)
  ESTIMATED_CALL_MINUTES: number = 3;
}
