import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';

import { BatchSettings } from './batch-settings';
import { DomainEvent } from './common';
import { BatchStatus, ProviderName, PROVIDERS } from './statuses';

/**
 * Batch ingest: the gateway hands an upload to ingest (CreateBatchCommand, request/reply), ingest
 * stores the batch and hands it over on JetStream (BatchIngestedEvent, then ContactsChunkEvent).
 */

export class ValidationCounts {
  @IsInt() @Min(0) total_rows: number;
  @IsInt() @Min(0) valid_rows: number;
  @IsInt() @Min(0) invalid_rows: number;
  @IsInt() @Min(0) duplicate_rows: number;
  @IsInt() @Min(0) empty_rows: number;
  @IsInt() @Min(0) suppressed_rows: number;
}

/** Ingest stored a batch and its contacts (one transaction); the contacts follow in chunks. */
export class BatchIngestedEvent extends DomainEvent {
  @IsString() @IsNotEmpty() batch_id: string;
  @IsString() name: string;
  @IsString() @IsNotEmpty() agent_id: string;
  @IsIn(PROVIDERS) provider: ProviderName;
  @IsString() from_number: string;
  @IsIn(['pending', 'scheduled', 'running']) initial_status: Extract<BatchStatus, 'pending' | 'scheduled' | 'running'>;
  @ValidateNested() @Type(() => BatchSettings) settings: BatchSettings;
  /** Contacts stored (dialable + kept-but-final such as suppressed). */
  @IsInt() @Min(0) total_contacts: number;
  @IsInt() @Min(0) chunk_count: number;
  @IsArray() @IsString({ each: true }) variable_columns: string[];
  @ValidateNested() @Type(() => ValidationCounts) validation: ValidationCounts;
  @IsNumber() estimated_cost: number;
  @IsISO8601() created_at: string;
}

export const INGESTED_CONTACT_STATUSES = ['pending', 'suppressed', 'invalid_number'] as const;

export class ContactRecord {
  @IsString() @IsNotEmpty() contact_id: string;
  @IsInt() @Min(1) row: number;
  @IsString() phone: string;
  @IsOptional() @IsString() name?: string;
  @IsOptional() @IsString() timezone?: string;
  @IsInt() priority: number;
  @IsObject() variables: Record<string, string>;
  @IsIn(INGESTED_CONTACT_STATUSES) status: (typeof INGESTED_CONTACT_STATUSES)[number];
}

/**
 * Whether one contact record satisfies ContactRecord's decorators, checked by hand (must agree with
 * them; a unit test compares both on every kind of wrong field). class-validator's nested pass costs
 * ~40 ms per 1,000-contact chunk, 30× the JSON parse, in every consumer of `v1.ingest.contacts_chunk`:
 * 40 CPU-seconds per consumer per million contacts (issue 16).
 */
export function isValidContactRecord(record: unknown): boolean {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return false;
  const c = record as Record<string, unknown>;
  return (
    typeof c.contact_id === 'string' &&
    c.contact_id !== '' &&
    Number.isInteger(c.row) &&
    (c.row as number) >= 1 &&
    typeof c.phone === 'string' &&
    (c.name == null || typeof c.name === 'string') &&
    (c.timezone == null || typeof c.timezone === 'string') &&
    Number.isInteger(c.priority) &&
    c.variables !== null &&
    typeof c.variables === 'object' &&
    !Array.isArray(c.variables) &&
    (INGESTED_CONTACT_STATUSES as readonly unknown[]).includes(c.status)
  );
}

export class ContactsChunkEvent extends DomainEvent {
  /**
   * The bulk field parsePayload checks with `isValidContactRecord` (contacts stay plain objects); only
   * when one is wrong does the class-validator pass run, to name each wrong field.
   */
  static readonly bulk = { field: 'contacts', isValid: isValidContactRecord } as const;

  @IsString() @IsNotEmpty() batch_id: string;
  @IsInt() @Min(0) chunk_index: number;
  @IsInt() @Min(1) chunk_count: number;
  @IsArray() @ValidateNested({ each: true }) @Type(() => ContactRecord) contacts: ContactRecord[];
}

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
  @IsIn(PROVIDERS) provider: ProviderName;
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
