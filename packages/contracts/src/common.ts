import { IsNotEmpty, IsString } from 'class-validator';

/** Shapes shared by every area: the event base, org/batch-scoped queries, list pages. */

/** Every JetStream event carries a unique id: the publish msgID and the consumers' dedupe key. */
export abstract class DomainEvent {
  @IsString() @IsNotEmpty() event_id: string;
  @IsString() @IsNotEmpty() org_id: string;
}

export class OrgQuery {
  @IsString() @IsNotEmpty() org_id: string;
}

export class BatchQuery {
  @IsString() @IsNotEmpty() org_id: string;
  @IsString() @IsNotEmpty() batch_id: string;
}

/** Page sizes the contacts list accepts (SPEC §8: 25/50/100, default 50). */
export const CONTACT_PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_CONTACT_PAGE_SIZE = 50;
/** Other lists (batches, calls, webhook deliveries): any size from 1 to this. */
export const MAX_LIST_PAGE_SIZE = 100;
export const DEFAULT_LIST_PAGE_SIZE = 50;
/** Longest search text accepted. */
export const MAX_SEARCH_LENGTH = 100;

/** Every list answers in this shape (SPEC §9). */
export interface ListPage<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

/** Ids that are safe as one NATS subject token. */
export const SUBJECT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

/**
 * NATS header carrying the batch a message belongs to, set by producers of batch-scoped bulk messages
 * (ingest's `v1.ingest.contacts_chunk`), so a consumer can drop a deleted batch's message from its
 * headers alone, before parsing a payload of up to 1,000 contacts (issue 15: no head-of-line blocking).
 */
export const BATCH_ID_HEADER = 'Outdial-Batch-Id';
