/** How many due deliveries the dispatcher can take on now. */
export interface ClaimWebhookDeliveriesCommand {
  /** Free sending slots (WEBHOOK_CONCURRENCY minus the tries in flight), at least 1. */
  limit: number;
}
