import { BatchSettings, BatchStatus, ProviderName } from '@outdial/contracts';
import { NotKnownYetError, OutboxEvent } from '@outdial/service-runtime';
import { PoolClient } from 'pg';
import { BreakerState } from '../domain/circuit-breaker';
import { batchStatusChanged, ContactState, contactUpdated } from '../domain/scheduler-events';

export interface BatchRow {
  batch_id: string;
  org_id: string;
  status: BatchStatus;
  agent_id: string;
  provider: ProviderName;
  from_number: string;
  settings: BatchSettings;
  concurrency: number;
  total_contacts: number;
  contacts_received: number;
  final_count: number;
  inflight: number;
  scheduled_start_time: Date | null;
  end_time: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  last_release_at: Date | null;
  /** Recent attempt results for the auto-pause rule (domain/circuit-breaker.ts). */
  breaker: BreakerState;
}

export async function lockBatch(client: PoolClient, batchId: string): Promise<BatchRow | undefined> {
  return (await client.query<BatchRow>(`SELECT * FROM scheduler.batches WHERE batch_id = $1 FOR UPDATE`, [batchId])).rows[0];
}

/**
 * The batch of an attempt event, under its row lock, and the attempt's contact if it is still in
 * one of `statuses` for that attempt number. `null` when the batch was deleted (the late event is
 * dropped); a batch not registered yet is retried later.
 */
export async function lockAttemptContact(
  client: PoolClient,
  event: { batch_id: string; contact_id: string; attempt: number },
  statuses: readonly string[],
): Promise<{ batch: BatchRow; contact: (ContactState & { zone_key: string }) | undefined } | null> {
  const batch = await lockBatch(client, event.batch_id);
  if (!batch) {
    if (await isDeletedBatch(client, event.batch_id)) return null;
    throw new NotKnownYetError(`batch ${event.batch_id} unknown`, UNKNOWN_BATCH_EVENT_MAX_AGE_MS);
  }
  const rows = await client.query<ContactState & { zone_key: string }>(
    `SELECT ${CONTACT_STATE_COLUMNS}, zone_key FROM scheduler.contacts
      WHERE contact_id = $1 AND attempts = $2 AND status = ANY($3) FOR UPDATE`,
    [event.contact_id, event.attempt, statuses],
  );
  return { batch, contact: rows.rows[0] };
}

/** How long a call event of a batch this scheduler does not know is retried before it is dead-lettered. */
const UNKNOWN_BATCH_EVENT_MAX_AGE_MS = 10 * 60_000;

export async function isDeletedBatch(client: PoolClient, batchId: string): Promise<boolean> {
  return ((await client.query(`SELECT 1 FROM scheduler.deleted_batches WHERE batch_id = $1`, [batchId])).rowCount ?? 0) > 0;
}

const CONTACT_STATE_COLUMNS = 'contact_id, batch_id, org_id, status, version, attempts, last_outcome, next_retry_at, last_attempt_at';

/**
 * Ends up to `limit` waiting contacts (pending, or queued for a retry) of a batch with a final
 * status, optionally only those in some zones; returns how many. Contacts being dialed are left to
 * finish their call.
 */
export async function finalizeWaitingContacts(
  client: PoolClient,
  batch: Pick<BatchRow, 'batch_id'>,
  status: 'cancelled' | 'expired',
  reason: string,
  now: Date,
  events: OutboxEvent[],
  options: { limit: number; zoneKeys?: string[] },
): Promise<number> {
  const zoneFilter = options.zoneKeys ? 'AND zone_key = ANY($5)' : '';
  const params: unknown[] = [batch.batch_id, status, now, options.limit];
  if (options.zoneKeys) params.push(options.zoneKeys);
  params.push(reason);
  const reasonParam = `$${params.length}`;
  const rows = await client.query<ContactState>(
    `UPDATE scheduler.contacts SET status = $2, version = version + 1, next_retry_at = NULL, final_reason = ${reasonParam}, updated_at = $3
      WHERE contact_id IN (SELECT contact_id FROM scheduler.contacts
                            WHERE batch_id = $1 AND status IN ('pending', 'queued') ${zoneFilter}
                            LIMIT $4 FOR UPDATE)
      RETURNING ${CONTACT_STATE_COLUMNS}`,
    params,
  );
  for (const contact of rows.rows) events.push(contactUpdated(contact, now));
  if (rows.rows.length > 0) {
    await client.query(`UPDATE scheduler.batches SET final_count = final_count + $2, updated_at = $3 WHERE batch_id = $1`, [batch.batch_id, rows.rows.length, now]);
  }
  return rows.rows.length;
}

/**
 * Once every contact is final: a running, paused or scheduled batch becomes `completed` (exactly
 * once, under the row lock); a cancelled one keeps its status and is marked drained.
 */
export async function completeIfDone(client: PoolClient, batchId: string, now: Date, events: OutboxEvent[]): Promise<void> {
  const batch = (await client.query<BatchRow>(`SELECT * FROM scheduler.batches WHERE batch_id = $1`, [batchId])).rows[0];
  if (!batch || batch.completed_at || batch.contacts_received < batch.total_contacts || batch.final_count < batch.total_contacts) return;
  if (batch.status === 'cancelled' || batch.status === 'failed' || batch.status === 'completed') {
    await client.query(`UPDATE scheduler.batches SET completed_at = $2, updated_at = $2 WHERE batch_id = $1`, [batchId, now]);
    return;
  }
  if (batch.status === 'pending') return; // not started: stays until it is scheduled or cancelled
  await client.query(`UPDATE scheduler.batches SET status = 'completed', completed_at = $2, updated_at = $2 WHERE batch_id = $1`, [batchId, now]);
  events.push(batchStatusChanged(batch, 'completed', batch.status, now));
}
