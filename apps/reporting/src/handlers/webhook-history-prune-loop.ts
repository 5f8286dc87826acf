import { Inject, Injectable } from '@nestjs/common';
import { BackgroundTasks, Logger, SERVICE_LOGGER } from '@outdial/service-runtime';

import { ReportingEnv } from '../reporting-env';
import { ReportingMetrics } from '../reporting-metrics';
import { PruneWebhookHistoryUseCase } from '../usecases/prune-webhook-history/prune-webhook-history.usecase';

/**
 * Runs the webhook history prune at start and then every WEBHOOK_HISTORY_PRUNE_INTERVAL_MS
 * (issue 12 §5: deliveries and their tries are kept for WEBHOOK_HISTORY_RETENTION_DAYS), as a
 * runtime background task: prunes never overlap, a failed prune is logged and tried again at the
 * next tick, and a prune under way finishes before the service drains.
 */
@Injectable()
export class WebhookHistoryPruneLoop {
  constructor(
    private readonly prune: PruneWebhookHistoryUseCase,
    private readonly env: ReportingEnv,
    private readonly metrics: ReportingMetrics,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    tasks: BackgroundTasks,
  ) {
    tasks.every('webhook-history-prune', env.WEBHOOK_HISTORY_PRUNE_INTERVAL_MS, () => this.tick(), {
      runAtStart: true,
    });
  }

  private async tick(): Promise<void> {
    const deleted = await this.prune.execute({ retentionDays: this.env.WEBHOOK_HISTORY_RETENTION_DAYS });
    this.metrics.historyPruned.inc(deleted);
    if (deleted > 0)
      this.logger.debug(
        { deleted, retention_days: this.env.WEBHOOK_HISTORY_RETENTION_DAYS },
        'webhook delivery history pruned',
      );
  }
}
