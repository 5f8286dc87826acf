import { Injectable } from '@nestjs/common';
import { Clock } from '@outdial/service-runtime';

import { ClaimedDelivery, WebhookDeliveriesRepository } from '../../persistence/webhook-deliveries.repository';
import { ReportingEnv } from '../../reporting-env';
import { ClaimWebhookDeliveriesCommand } from './claim-webhook-deliveries.command';

/** Extra time a claimed delivery stays reserved beyond its timeout (a crashed worker's claim expires). */
const LEASE_MARGIN_MS = 5_000;

/**
 * Claims the due webhook deliveries for one try each (SKIP LOCKED: replicas share the work), each
 * reserved for WEBHOOK_TIMEOUT_MS + 5 s: a sender that dies mid-try leaves a claim that expires, and
 * the delivery is tried again (the try stays on record as interrupted).
 */
@Injectable()
export class ClaimWebhookDeliveriesUseCase {
  constructor(
    private readonly clock: Clock,
    private readonly env: ReportingEnv,
    private readonly deliveries: WebhookDeliveriesRepository,
  ) {}

  async execute(command: ClaimWebhookDeliveriesCommand): Promise<ClaimedDelivery[]> {
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + this.env.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS);
    return this.deliveries.claimDue(now, command.limit, leaseUntil);
  }
}
