import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

import { RowIssue, UploadReference, ValidationReport } from './batch-ingest';

/**
 * Request/reply payloads served by ingest beyond the create itself: the dry run (it reuses
 * CreateBatchCommand), the full issue list, and the org suppression (do-not-call) list.
 */

/** What validate-only answers: the report a create would give, and nothing stored. */
export interface ValidateBatchResult {
  name: string;
  validation: ValidationReport;
  estimated_cost: number;
  estimated_duration_seconds: number;
}

/** One page of a batch's validation issues as CSV (`row,phone,code,message`). */
export class IssuesPageQuery {
  @IsString() @IsNotEmpty() org_id: string;
  @IsString() @IsNotEmpty() batch_id: string;
  /** Issues of rows after this row number (0 = from the start). */
  @IsInt() @Min(0) after_row: number;
  @IsInt() @Min(1024) @Max(900_000) max_bytes: number;
}

export interface IssuesPage {
  /** CSV text: the header line on the first page, then whole records. */
  csv: string;
  /** Pass as `after_row` for the next page; null when this was the last. */
  next_after_row: number | null;
}

export class SuppressionListQuery {
  @IsString() @IsNotEmpty() org_id: string;
  @IsInt() @Min(1) page: number;
  @IsInt() @Min(1) @Max(1000) page_size: number;
  /** Digits (or a `+` prefix) the numbers contain. */
  @IsOptional() @IsString() @Length(0, 40) search?: string;
}

export interface SuppressedNumberView {
  phone: string;
  reason: string | null;
  created_at: string;
}

export interface SuppressionListPage {
  items: SuppressedNumberView[];
  total: number;
  page: number;
  page_size: number;
}

/** Adds numbers (any format; normalized to E.164 in `default_region`). Idempotent per number. */
export class SuppressionAddCommand {
  @IsString() @IsNotEmpty() org_id: string;
  @IsArray() @ArrayMaxSize(10_000) @IsString({ each: true }) numbers: string[];
  @IsOptional() @IsString() @Length(0, 500) reason?: string;
  @IsString() @Length(2, 2) default_region: string = 'US';
}

export interface SuppressionAddResult {
  added: number;
  already_present: number;
  invalid: number;
  /** Normalized numbers, in request order (null where invalid). */
  numbers: (string | null)[];
  issues: RowIssue[];
}

/** Imports a CSV (phone column as for batches) from the object store into the list. */
export class SuppressionImportCommand {
  @IsString() @IsNotEmpty() org_id: string;
  @ValidateNested() @Type(() => UploadReference) upload: UploadReference;
  @IsOptional() @IsString() @Length(0, 500) reason?: string;
  @IsString() @Length(2, 2) default_region: string = 'US';
}

export interface SuppressionImportResult {
  total_rows: number;
  added: number;
  already_present: number;
  invalid_rows: number;
  empty_rows: number;
  /** First 100 issues. */
  issues: RowIssue[];
}

export class SuppressionRemoveCommand {
  @IsString() @IsNotEmpty() org_id: string;
  @IsString() @IsNotEmpty() phone: string;
  @IsString() @Length(2, 2) default_region: string = 'US';
}

export interface SuppressionRemoveResult {
  phone: string;
  removed: true;
}

/** The settings a batch was created with (for a redial, SPEC §4: "the original's settings unless overridden"). */
export class BatchSettingsQuery {
  @IsString() @IsNotEmpty() org_id: string;
  @IsString() @IsNotEmpty() batch_id: string;
}

export interface BatchSettingsView {
  batch_id: string;
  name: string;
  agent_id: string;
  from_number: string;
  /** The stored BatchSettings (SPEC §3) as JSON: times in UTC. */
  settings: Record<string, unknown>;
}
