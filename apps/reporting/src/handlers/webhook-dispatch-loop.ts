import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Logger, SERVICE_LOGGER } from '@outdial/service-runtime';

import { WebhookDispatchSignal } from '../adapters/webhook-dispatch-signal';
import { ClaimedDelivery } from '../persistence/webhook-deliveries.repository';
import { ReportingEnv } from '../reporting-env';
import { ClaimWebhookDeliveriesUseCase } from '../usecases/claim-webhook-deliveries/claim-webhook-deliveries.usecase';
import { DeliverWebhookUseCase } from '../usecases/deliver-webhook/deliver-webhook.usecase';

/**
 * Sends the webhook deliveries the event handlers recorded: claims due ones for its free slots
 * (WEBHOOK_CONCURRENCY per replica) and runs one try of each, then waits for a poke (new
 * deliveries recorded) or WEBHOOK_POLL_MS. Runs beside the event pipeline, never inside it: a slow
 * or dead receiver only ever occupies this loop's slots. On shutdown, tries under way get their
 * timeout (at most 5 s) to finish; what is cut off is retried after its lease.
 */
@Injectable()
export class WebhookDispatchLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private inFlight = 0;
  private readonly running = new Set<Promise<void>>();
  private stopped = false;
  private loop?: Promise<void>;

  constructor(
    private readonly claim: ClaimWebhookDeliveriesUseCase,
    private readonly deliver: DeliverWebhookUseCase,
    private readonly signal: WebhookDispatchSignal,
    private readonly env: ReportingEnv,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    // Nest runs this hook once for the app and once for the microservice: one loop.
    this.loop ??= this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let claimed = 0;
      const free = this.env.WEBHOOK_CONCURRENCY - this.inFlight;
      if (free > 0) {
        try {
          const deliveries = await this.claim.execute({ limit: free });
          claimed = deliveries.length;
          for (const delivery of deliveries) this.start(delivery);
        } catch (error) {
          if (!this.stopped) this.logger.warn({ err: error }, 'webhook claim failed');
        }
      }
      // More may be due right away when this claim was full; else wait for a poke or the poll.
      if (claimed > 0 && claimed === free) continue;
      await this.signal.waitForPoke(this.env.WEBHOOK_POLL_MS);
    }
  }

  private start(delivery: ClaimedDelivery): void {
    this.inFlight++;
    const task = this.deliver
      .execute(delivery)
      .catch((error) =>
        this.logger.error({ err: error, delivery_id: delivery.delivery_id }, 'webhook delivery bookkeeping failed'),
      )
      .finally(() => {
        this.inFlight--;
        this.running.delete(task);
        this.signal.poke();
      });
    this.running.add(task);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.signal.poke();
    await this.loop;
    // Deliveries under way get their timeout to finish; what is cut off is retried after its lease.
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise((r) => setTimeout(r, Math.min(this.env.WEBHOOK_TIMEOUT_MS, 5_000)).unref()),
    ]);
  }
}
