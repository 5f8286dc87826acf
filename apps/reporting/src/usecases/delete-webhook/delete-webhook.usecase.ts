import { Injectable } from '@nestjs/common';
import { WebhookDeletedReply, WebhookQuery } from '@outdial/contracts';
import { Clock, Database, ServiceError } from '@outdial/service-runtime';

import { WebhookDeliveriesRepository } from '../../persistence/webhook-deliveries.repository';
import { WebhookEndpointsRepository } from '../../persistence/webhook-endpoints.repository';

/**
 * Deletes an org webhook endpoint (SPEC §9 `DELETE /api/webhooks/{id}`): nothing more is sent to it,
 * and its pending deliveries are given up (`failed`, "endpoint deleted"), in one transaction. Its
 * delivery log stays readable.
 *
 * @throws ServiceError `not_found` when the org has no such endpoint (or it was already deleted)
 */
@Injectable()
export class DeleteWebhookUseCase {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
  ) {}

  async execute(query: WebhookQuery): Promise<WebhookDeletedReply> {
    const now = this.clock.now();
    return this.db.tx(async (client) => {
      if (!(await this.endpoints.softDelete(client, query.webhook_id, query.org_id, now)))
        throw new ServiceError('not_found', 'webhook endpoint not found');
      await this.deliveries.failPendingOf(client, query.webhook_id, now);
      return { webhook_id: query.webhook_id, deleted: true as const };
    });
  }
}
