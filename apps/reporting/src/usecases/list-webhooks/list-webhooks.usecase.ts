import { Injectable } from '@nestjs/common';
import { ListPage, OrgQuery, WebhookEndpointView } from '@outdial/contracts';

import { MAX_WEBHOOK_ENDPOINTS_PER_ORG, toWebhookEndpointView } from '../../domain/webhook-endpoints';
import { WebhookEndpointsRepository } from '../../persistence/webhook-endpoints.repository';

/** The org's webhook endpoints (SPEC §9 `GET /api/webhooks`), oldest first, in one page (an org has at most MAX_WEBHOOK_ENDPOINTS_PER_ORG). */
@Injectable()
export class ListWebhooksUseCase {
  constructor(private readonly endpoints: WebhookEndpointsRepository) {}

  async execute(query: OrgQuery): Promise<ListPage<WebhookEndpointView>> {
    const rows = await this.endpoints.listActive(query.org_id);
    return {
      items: rows.map(toWebhookEndpointView),
      total: rows.length,
      page: 1,
      page_size: MAX_WEBHOOK_ENDPOINTS_PER_ORG,
    };
  }
}
