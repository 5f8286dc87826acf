import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Logger, SERVICE_LOGGER } from '@outdial/service-runtime';
import { ReportingEnv } from '../reporting-env';
import { ReportingMetrics } from '../reporting-metrics';
import { PruneWebhookHistoryUseCase } from '../usecases/prune-webhook-history/prune-webhook-history.usecase';

/**
 * Runs the webhook history prune at start and then every WEBHOOK_HISTORY_PRUNE_INTERVAL_MS
 * (issue 12 §5: deliveries and their tries are kept for WEBHOOK_HISTORY_RETENTION_DAYS). A failed
 * prune is logged and tried again at the next tick; prunes never overlap in one process.
 */
@Injectable()
export class WebhookHistoryPruneLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly prune: PruneWebhookHistoryUseCase,
    private readonly env: ReportingEnv,
    private readonly metrics: ReportingMetrics,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    // Nest runs this hook once for the app and once for the microservice: one timer.
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.env.WEBHOOK_HISTORY_PRUNE_INTERVAL_MS);
    this.timer.unref();
    this.tick();
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.prune
      .execute({ retentionDays: this.env.WEBHOOK_HISTORY_RETENTION_DAYS })
      .then((deleted) => {
        this.metrics.historyPruned.inc(deleted);
        if (deleted > 0) this.logger.debug({ deleted, retention_days: this.env.WEBHOOK_HISTORY_RETENTION_DAYS }, 'webhook delivery history pruned');
      })
      .catch((error) => this.logger.warn({ err: error }, 'webhook delivery history prune failed'))
      .finally(() => {
        this.running = undefined;
      });
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
