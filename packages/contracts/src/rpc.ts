import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { BatchSettings } from './batch-settings';
import { PROVIDERS, ProviderName } from './statuses';
import { ValidationCounts } from './events';

/** Where an uploaded file waits in the object store until ingest reads it. */
export class UploadReference {
  @IsString() @IsNotEmpty() object_name: string;
  @IsString() filename: string;
  @IsString() content_type: string;
  @IsInt() @Min(0) size: number;
}

/** Gateway -> ingest: parse the upload, store the batch and its contacts, hand them over. */
export class CreateBatchCommand {
  @IsString() @IsNotEmpty() org_id: string;
  @IsString() @IsNotEmpty() batch_id: string;
  @ValidateNested() @Type(() => UploadReference) upload: UploadReference;
  @IsString() name: string;
  @IsString() @IsNotEmpty() agent_id: string;
  @IsIn(PROVIDERS as unknown as string[]) provider: ProviderName;
  @IsString() from_number: string;
  @IsIn(['pending', 'scheduled', 'running']) initial_status: 'pending' | 'scheduled' | 'running';
  @ValidateNested() @Type(() => BatchSettings) settings: BatchSettings;
  @IsOptional() @IsObject() column_mapping?: Record<string, string>;
}

export interface RowIssue {
  row: number;
  phone: string;
  code: string;
  message: string;
}

export interface ValidationReport extends ValidationCounts {
  issues: RowIssue[];
}

export interface CreateBatchResult {
  batch_id: string;
  status: string;
  name: string;
  validation: ValidationReport;
  estimated_cost: number;
  estimated_duration_seconds: number;
}

export class BatchQuery {
  @IsString() @IsNotEmpty() org_id: string;
  @IsString() @IsNotEmpty() batch_id: string;
}

export const RESULTS_FILTERS = ['all', 'successful', 'failed'] as const;
export type ResultsFilter = (typeof RESULTS_FILTERS)[number];

/** One page of the results CSV; the gateway asks page after page and streams them out. */
export class ResultsPageQuery extends BatchQuery {
  @IsIn(RESULTS_FILTERS as unknown as string[]) filter: ResultsFilter;
  /** Rows after this row number (0 = from the start). */
  @IsInt() @Min(0) after_row: number;
  @IsInt() @Min(1024) @Max(900_000) max_bytes: number;
}

export interface ResultsPage {
  /** CSV text: the header line on the first page, then whole records. */
  csv: string;
  /** Pass as `after_row` for the next page; null when this was the last. */
  next_after_row: number | null;
}

/** SPEC §8 batch status. */
export interface BatchStatusView {
  batch_id: string;
  name: string;
  status: string;
  agent_id: string;
  from_number: string;
  concurrency: number;
  max_attempts: number;
  total_calls: number;
  completed: number;
  failed: number;
  pending: number;
  in_progress: number;
  progress_percent: number;
  success_rate: number;
  avg_duration_seconds: number;
  cost_so_far: number;
  estimated_completion: string | null;
  created_at: string;
  scheduled_start_time: string | null;
  start_time: string | null;
  completed_at: string | null;
  errors: { row: number; phone: string; error: string; retry_count: number }[];
}
