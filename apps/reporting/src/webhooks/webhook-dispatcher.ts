import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock, Database, Logger, SERVICE_LOGGER } from '@outdial/service-runtime';
import { ReportingTables, reportingTables } from '../persistence/reporting-tables';
import { ReportingEnv } from '../reporting-env';
import { retryDelayMs, webhookSignature } from './webhook-events';
import { WebhookMetrics } from './webhook-metrics';

interface ClaimedDelivery {
  delivery_id: number;
  event_id: string;
  url: string;
  body: string;
  attempts: number;
  secret: string | null;
  type: string;
}

/** Extra time a claimed delivery stays reserved beyond its timeout (a crashed worker's claim expires). */
const LEASE_MARGIN_MS = 5_000;
const MAX_ERROR_LENGTH = 500;

/**
 * Sends the webhook deliveries the event handlers recorded. Claims due rows with SKIP LOCKED (so
 * replicas share the work), POSTs each with a timeout, and records the outcome: delivered, retried
 * later with exponential backoff, or given up after WEBHOOK_MAX_ATTEMPTS. Runs beside the event
 * pipeline, never inside it: a slow or dead receiver only ever occupies this loop's slots.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly tables: ReportingTables;
  private inFlight = 0;
  private readonly running = new Set<Promise<void>>();
  private wake: (() => void) | null = null;
  private stopped = false;
  private loop?: Promise<void>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly env: ReportingEnv,
    private readonly metrics: WebhookMetrics,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.tables = reportingTables(db);
  }

  onApplicationBootstrap(): void {
    // Nest runs this hook once for the app and once for the microservice: one loop.
    this.loop ??= this.run();
  }

  /** New deliveries were recorded: look now rather than at the next poll. */
  poke(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let claimed = 0;
      const free = this.env.WEBHOOK_CONCURRENCY - this.inFlight;
      if (free > 0) {
        try {
          const deliveries = await this.claim(free);
          claimed = deliveries.length;
          for (const delivery of deliveries) this.start(delivery);
        } catch (error) {
          if (!this.stopped) this.logger.warn({ err: error }, 'webhook claim failed');
        }
      }
      // More may be due right away when this claim was full; else wait for a poke or the poll.
      if (claimed > 0 && claimed === free) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.env.WEBHOOK_POLL_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  private start(delivery: ClaimedDelivery): void {
    this.inFlight++;
    const task = this.deliver(delivery)
      .catch((error) => this.logger.error({ err: error, delivery_id: delivery.delivery_id }, 'webhook delivery bookkeeping failed'))
      .finally(() => {
        this.inFlight--;
        this.running.delete(task);
        this.poke();
      });
    this.running.add(task);
  }

  private async claim(limit: number): Promise<ClaimedDelivery[]> {
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + this.env.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS);
    const result = await this.db.query<ClaimedDelivery>(
      `WITH due AS (
         SELECT delivery_id FROM ${this.tables.webhookDeliveries}
          WHERE status = 'pending' AND next_attempt_at <= $1
          ORDER BY next_attempt_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED
       ),
       claimed AS (
         UPDATE ${this.tables.webhookDeliveries} d
            SET attempts = d.attempts + 1, next_attempt_at = $3
           FROM due
          WHERE d.delivery_id = due.delivery_id
         RETURNING d.delivery_id, d.event_id, d.url, d.body, d.attempts, d.type,
           CASE WHEN d.webhook_id IS NULL
                THEN (SELECT secret FROM ${this.tables.callbackSecrets} s WHERE s.org_id = d.org_id)
                ELSE (SELECT secret FROM ${this.tables.webhookEndpoints} e WHERE e.webhook_id = d.webhook_id AND e.deleted_at IS NULL)
           END AS secret
       ),
       -- The try is on record from its start: one whose sender dies mid-try still shows.
       tried AS (
         INSERT INTO ${this.tables.webhookDeliveryAttempts} (delivery_id, attempt, started_at)
         SELECT delivery_id, attempts, $1 FROM claimed
         ON CONFLICT DO NOTHING
       )
       SELECT * FROM claimed`,
      [now, limit, leaseUntil],
    );
    return result;
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    if (delivery.secret === null) {
      await this.record(delivery, { ok: false, final: true, statusCode: null, error: 'endpoint deleted (not sent)', durationMs: 0 });
      return;
    }
    const timestamp = Math.floor(Date.now() / 1000);
    const started = process.hrtime.bigint();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.env.WEBHOOK_TIMEOUT_MS),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Outdial-Webhooks/1',
          'X-Outdial-Event-Id': delivery.event_id,
          'X-Outdial-Event-Type': delivery.type,
          'X-Outdial-Timestamp': String(timestamp),
          'X-Outdial-Signature': webhookSignature(delivery.secret, timestamp, delivery.body),
        },
        body: delivery.body,
      });
      statusCode = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
    } catch (caught) {
      const e = caught as Error & { cause?: { code?: string } };
      error = e.name === 'TimeoutError' ? `no answer within ${this.env.WEBHOOK_TIMEOUT_MS} ms` : `${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`;
    }
    const ok = error === null;
    const final = ok || delivery.attempts >= this.env.WEBHOOK_MAX_ATTEMPTS;
    const result = ok ? 'delivered' : final ? 'failed' : 'retry';
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.metrics.deliveries.inc({ result });
    this.metrics.latency.observe({ result }, seconds);
    await this.record(delivery, { ok, final, statusCode, error, durationMs: Math.round(seconds * 1000) });
  }

  /** The delivery's new state and the try's outcome, in one statement (one commit). */
  private async record(delivery: ClaimedDelivery, outcome: { ok: boolean; final: boolean; statusCode: number | null; error: string | null; durationMs: number }): Promise<void> {
    const now = this.clock.now();
    const next = outcome.final ? now : new Date(now.getTime() + retryDelayMs(delivery.attempts, this.env.WEBHOOK_RETRY_BASE_MS, this.env.WEBHOOK_RETRY_MAX_MS));
    const status = outcome.ok ? 'delivered' : outcome.final ? 'failed' : 'pending';
    const error = outcome.error?.slice(0, MAX_ERROR_LENGTH) ?? null;
    await this.db.query(
      `WITH delivery AS (
         UPDATE ${this.tables.webhookDeliveries}
            SET status = $2, next_attempt_at = $3, last_status_code = $4, last_error = $5, delivered_at = $6, finished_at = $7
          WHERE delivery_id = $1
       )
       UPDATE ${this.tables.webhookDeliveryAttempts}
          SET duration_ms = $8, status_code = $4, error = $5
        WHERE delivery_id = $1 AND attempt = $9`,
      [delivery.delivery_id, status, next, outcome.statusCode, error, outcome.ok ? now : null, outcome.final ? now : null, outcome.durationMs, delivery.attempts],
    );
    if (!outcome.ok) this.logger.warn({ delivery_id: delivery.delivery_id, url: delivery.url, attempt: delivery.attempts, error: outcome.error, status }, 'webhook delivery failed');
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    // Deliveries under way get their timeout to finish; what is cut off is retried after its lease.
    await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => setTimeout(r, Math.min(this.env.WEBHOOK_TIMEOUT_MS, 5_000)).unref())]);
  }
}
