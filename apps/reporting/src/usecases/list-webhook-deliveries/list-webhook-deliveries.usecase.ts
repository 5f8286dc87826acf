import { Injectable } from '@nestjs/common';
import { ListPage, WebhookDeliveriesQuery, WebhookDeliveryView } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';

import { attemptView } from '../../domain/webhook-attempts';
import { WebhookDeliveriesRepository } from '../../persistence/webhook-deliveries.repository';
import { WebhookEndpointsRepository } from '../../persistence/webhook-endpoints.repository';

/**
 * An endpoint's delivery log: each delivery with every try (time, HTTP status or network error,
 * duration; issue 12 §5), newest delivery first, paged, optionally of one status. Three queries per
 * page (count, page, the page's tries).
 *
 * @throws ServiceError `not_found` when the org has no such endpoint
 */
@Injectable()
export class ListWebhookDeliveriesUseCase {
  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
  ) {}

  async execute(query: WebhookDeliveriesQuery): Promise<ListPage<WebhookDeliveryView>> {
    if (!(await this.endpoints.exists(query.webhook_id, query.org_id)))
      throw new ServiceError('not_found', 'webhook endpoint not found');
    const { rows, total } = await this.deliveries.page(query);
    const tries = await this.deliveries.triesOf(rows.map((r) => r.delivery_id));
    return {
      items: rows.map((r) => ({
        delivery_id: String(r.delivery_id),
        event_id: r.event_id,
        type: r.type,
        batch_id: r.batch_id,
        url: r.url,
        status: r.status,
        attempts: r.attempts,
        last_status_code: r.last_status_code,
        last_error: r.last_error,
        next_attempt_at: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
        created_at: r.created_at.toISOString(),
        delivered_at: r.delivered_at?.toISOString() ?? null,
        attempt_history: (tries.get(Number(r.delivery_id)) ?? []).map((attempt, i, all) =>
          attemptView(attempt, i === all.length - 1, r.status),
        ),
      })),
      total,
      page: query.page,
      page_size: query.page_size,
    };
  }
}
