import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { CreatedWebhookEndpoint, CreateWebhookCommand } from '@outdial/contracts';
import { Clock, Database, ServiceError } from '@outdial/service-runtime';

import { newWebhookSecret } from '../../adapters/webhook-secret';
import { MAX_WEBHOOK_ENDPOINTS_PER_ORG, toWebhookEndpointView } from '../../domain/webhook-endpoints';
import { WebhookEndpointsRepository } from '../../persistence/webhook-endpoints.repository';

/**
 * Registers an org webhook endpoint (SPEC §9 `POST /api/webhooks`) with a new signing secret, shown
 * in this answer only. Creates of one org are serialized (advisory lock), so the limit holds under
 * concurrent requests.
 *
 * @throws ServiceError `unprocessable` (details `{limit}`) when the org already has MAX_WEBHOOK_ENDPOINTS_PER_ORG endpoints
 */
@Injectable()
export class CreateWebhookUseCase {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly endpoints: WebhookEndpointsRepository,
  ) {}

  async execute(command: CreateWebhookCommand): Promise<CreatedWebhookEndpoint> {
    return this.db.tx(async (client) => {
      await this.endpoints.lockOrg(client, command.org_id);
      if ((await this.endpoints.countActive(client, command.org_id)) >= MAX_WEBHOOK_ENDPOINTS_PER_ORG) {
        throw new ServiceError(
          'unprocessable',
          `an org can have at most ${MAX_WEBHOOK_ENDPOINTS_PER_ORG} webhook endpoints`,
          { limit: MAX_WEBHOOK_ENDPOINTS_PER_ORG },
        );
      }
      const secret = newWebhookSecret();
      const row = await this.endpoints.insert(
        client,
        { webhookId: `wh_${randomBytes(12).toString('hex')}`, secret, createdAt: this.clock.now() },
        command,
      );
      return { ...toWebhookEndpointView(row), secret };
    });
  }
}
