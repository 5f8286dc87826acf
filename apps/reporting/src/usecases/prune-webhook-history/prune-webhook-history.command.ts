/** What to prune: finished deliveries older than the retention period. */
export interface PruneWebhookHistoryCommand {
  /** WEBHOOK_HISTORY_RETENTION_DAYS: whole days of 86,400 s before `now`. */
  retentionDays: number;
}
