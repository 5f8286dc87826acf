import { Inject, Injectable } from '@nestjs/common';
import { Clock, Logger, SERVICE_LOGGER } from '@outdial/service-runtime';

import { WebhookHttpSender, WebhookResponse } from '../../adapters/webhook-http-sender';
import { retryDelayMs } from '../../domain/webhook-events';
import { ClaimedDelivery, WebhookDeliveriesRepository } from '../../persistence/webhook-deliveries.repository';
import { ReportingEnv } from '../../reporting-env';
import { ReportingMetrics } from '../../reporting-metrics';

/** Longest error text kept per try. */
const MAX_ERROR_LENGTH = 500;

/**
 * One try of a claimed webhook delivery: POSTs it (signed, WEBHOOK_TIMEOUT_MS) and records the
 * outcome with the try, in one statement: `delivered` on a 2xx; else retried after an exponential
 * backoff (WEBHOOK_RETRY_BASE_MS doubling up to WEBHOOK_RETRY_MAX_MS), or `failed` after
 * WEBHOOK_MAX_ATTEMPTS tries. A delivery whose endpoint was deleted is not sent: it fails at once.
 * Counted in `outdial_webhook_deliveries_total{result}` and `outdial_webhook_delivery_seconds`.
 */
@Injectable()
export class DeliverWebhookUseCase {
  constructor(
    private readonly clock: Clock,
    private readonly env: ReportingEnv,
    private readonly sender: WebhookHttpSender,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly metrics: ReportingMetrics,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async execute(delivery: ClaimedDelivery): Promise<void> {
    if (delivery.secret === null) {
      await this.record(delivery, {
        ok: false,
        final: true,
        statusCode: null,
        error: 'endpoint deleted (not sent)',
        durationMs: 0,
      });
      return;
    }
    const started = process.hrtime.bigint();
    const response: WebhookResponse = await this.sender.send(
      {
        url: delivery.url,
        eventId: delivery.event_id,
        type: delivery.type,
        body: delivery.body,
        secret: delivery.secret,
      },
      this.env.WEBHOOK_TIMEOUT_MS,
    );
    const ok = response.error === null;
    const final = ok || delivery.attempts >= this.env.WEBHOOK_MAX_ATTEMPTS;
    const result = ok ? 'delivered' : final ? 'failed' : 'retry';
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.metrics.deliveries.inc({ result });
    this.metrics.latency.observe({ result }, seconds);
    await this.record(delivery, {
      ok,
      final,
      statusCode: response.statusCode,
      error: response.error,
      durationMs: Math.round(seconds * 1000),
    });
  }

  /** The delivery's new state and the try's outcome, in one statement (one commit). */
  private async record(
    delivery: ClaimedDelivery,
    outcome: { ok: boolean; final: boolean; statusCode: number | null; error: string | null; durationMs: number },
  ): Promise<void> {
    const now = this.clock.now();
    const next = outcome.final
      ? now
      : new Date(
          now.getTime() +
            retryDelayMs(delivery.attempts, this.env.WEBHOOK_RETRY_BASE_MS, this.env.WEBHOOK_RETRY_MAX_MS),
        );
    const status = outcome.ok ? 'delivered' : outcome.final ? 'failed' : 'pending';
    const error = outcome.error?.slice(0, MAX_ERROR_LENGTH) ?? null;
    await this.deliveries.recordTry(delivery, {
      status,
      nextAttemptAt: next,
      statusCode: outcome.statusCode,
      error,
      deliveredAt: outcome.ok ? now : null,
      finishedAt: outcome.final ? now : null,
      durationMs: outcome.durationMs,
    });
    if (!outcome.ok)
      this.logger.warn(
        {
          delivery_id: delivery.delivery_id,
          url: delivery.url,
          attempt: delivery.attempts,
          error: outcome.error,
          status,
        },
        'webhook delivery failed',
      );
  }
}
