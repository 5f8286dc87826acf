import { Inject, Injectable } from '@nestjs/common';
import { BatchSettings, BatchStatus, ProviderName } from '@outdial/contracts';
import { Clock, Database, Logger, Outbox, OutboxEvent, SERVICE_CONFIG, SERVICE_LOGGER } from '@outdial/service-runtime';
import { PoolClient } from 'pg';
import { batchStatusChanged, ContactState, contactUpdated, dialRequested } from '../../domain/scheduler-events';
import { SchedulerEnv } from '../../scheduler-env';
import { RecordCallOutcomeUseCase } from '../record-call-outcome/record-call-outcome.usecase';

interface BatchRow {
  batch_id: string;
  org_id: string;
  status: BatchStatus;
  agent_id: string;
  provider: ProviderName;
  from_number: string;
  settings: BatchSettings;
  concurrency: number;
  total_contacts: number;
  final_count: number;
  inflight: number;
  scheduled_start_time: Date | null;
  started_at: Date | null;
}

/**
 * One pass over the active batches: start the ones whose time has come, complete the ones with
 * nothing left, and release contacts to the dialer only as slots free up (never more than
 * `concurrency` released-and-unfinished), highest priority first. Each batch is worked on under
 * its row lock (SKIP LOCKED), so scheduler replicas never release the same contact twice.
 */
@Injectable()
export class ReleaseContactsUseCase {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly recordOutcome: RecordCallOutcomeUseCase,
    @Inject(SERVICE_CONFIG) private readonly config: SchedulerEnv,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async tick(): Promise<number> {
    const batches = await this.db.query<{ batch_id: string }>(
      `SELECT batch_id FROM scheduler.batches
        WHERE status IN ('scheduled', 'running') AND contacts_received >= total_contacts
        ORDER BY created_at`,
    );
    let released = 0;
    for (const { batch_id } of batches) {
      released += await this.processBatch(batch_id);
      await this.recoverLostReleases(batch_id);
    }
    return released;
  }

  private async processBatch(batchId: string): Promise<number> {
    const released = await this.db.tx(async (client) => {
      const rows = await client.query<BatchRow>(`SELECT * FROM scheduler.batches WHERE batch_id = $1 FOR UPDATE SKIP LOCKED`, [batchId]);
      const batch = rows.rows[0];
      if (!batch) return 0;
      const now = this.clock.now();
      const events: OutboxEvent[] = [];
      let status = batch.status;
      if (status === 'scheduled' && batch.scheduled_start_time && batch.scheduled_start_time <= now) {
        status = 'running';
      }
      if (status === 'running' && !batch.started_at) {
        await client.query(`UPDATE scheduler.batches SET status = 'running', started_at = $2, updated_at = $2 WHERE batch_id = $1`, [batchId, now]);
        events.push(batchStatusChanged(batch, 'running', batch.status === 'running' ? undefined : batch.status, now));
      }
      let count = 0;
      if (status === 'running' && batch.final_count >= batch.total_contacts) {
        await client.query(`UPDATE scheduler.batches SET status = 'completed', completed_at = $2, updated_at = $2 WHERE batch_id = $1`, [batchId, now]);
        events.push(batchStatusChanged(batch, 'completed', 'running', now));
      } else if (status === 'running') {
        count = await this.release(client, batch, now, events);
      }
      await this.outbox.enqueue(client, events);
      return count;
    });
    if (released > 0) this.outbox.kick();
    return released;
  }

  private async release(client: PoolClient, batch: BatchRow, now: Date, events: OutboxEvent[]): Promise<number> {
    const capacity = batch.concurrency - batch.inflight;
    if (capacity <= 0) return 0;
    const claimed = await client.query<ContactState & { phone: string; variables: Record<string, string> }>(
      `UPDATE scheduler.contacts c
          SET status = 'dialing', attempts = c.attempts + 1, version = c.version + 1, released_at = $3,
              last_attempt_at = $3, next_retry_at = NULL, updated_at = $3
        WHERE c.contact_id IN (
          SELECT contact_id FROM scheduler.contacts
           WHERE batch_id = $1 AND (status = 'pending' OR (status = 'queued' AND next_retry_at <= $3))
           ORDER BY priority DESC, row
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
        RETURNING c.contact_id, c.batch_id, c.org_id, c.status, c.version, c.attempts, c.last_outcome, c.next_retry_at,
                  c.last_attempt_at, c.phone, c.variables`,
      [batch.batch_id, capacity, now],
    );
    if (claimed.rows.length === 0) return 0;
    await client.query(`UPDATE scheduler.batches SET inflight = inflight + $2, updated_at = $3 WHERE batch_id = $1`, [batch.batch_id, claimed.rows.length, now]);
    const dialSettings = {
      batch_id: batch.batch_id,
      org_id: batch.org_id,
      agent_id: batch.agent_id,
      provider: batch.provider,
      from_number: batch.from_number,
      timeout_seconds: batch.settings.timeout_per_call_seconds,
    };
    for (const contact of claimed.rows) {
      events.push(contactUpdated(contact, now), dialRequested(dialSettings, contact, now));
    }
    this.logger.debug({ batch_id: batch.batch_id, released: claimed.rows.length }, 'contacts released');
    return claimed.rows.length;
  }

  /**
   * A released contact whose attempt never reported back (past the call timeout plus a grace) is
   * ended `timeout`, so a batch can never stay "running" forever.
   */
  private async recoverLostReleases(batchId: string): Promise<void> {
    const now = this.clock.now();
    const lost = await this.db.query<{ contact_id: string; attempts: number }>(
      `SELECT c.contact_id, c.attempts FROM scheduler.contacts c JOIN scheduler.batches b USING (batch_id)
        WHERE c.batch_id = $1 AND c.status IN ('dialing', 'in_progress')
          AND c.released_at < $2::timestamptz - make_interval(secs => (b.settings->>'timeout_per_call_seconds')::int + $3)
        LIMIT 100`,
      [batchId, now, this.config.SCHEDULER_RELEASE_GRACE_SECONDS],
    );
    for (const contact of lost) {
      this.logger.warn({ batch_id: batchId, contact_id: contact.contact_id, attempt: contact.attempts }, 'release never reported back; ending it as timeout');
      await this.recordOutcome.execute({ batch_id: batchId, contact_id: contact.contact_id, attempt: contact.attempts, outcome: 'timeout' });
    }
  }
}
