import type { WebhookDeliveryAttemptView } from '@outdial/contracts';

/** A stored try of a webhook delivery (`webhook_delivery_attempts`). */
export interface WebhookAttemptRow {
  attempt: number;
  started_at: Date;
  /** Null until the try ended. */
  duration_ms: number | null;
  status_code: number | null;
  error: string | null;
}

/**
 * What a user sees of one try (issue 12 §5). A try with a duration ended: `succeeded` on a 2xx
 * answer without error, else `failed`. A try without one is `in_progress` when it is the latest
 * try of a delivery still pending, else `interrupted`: the sender stopped during it (a crash or
 * a shutdown cut it off) and its lease ran out, so the try's outcome is unknown.
 *
 * @param row the stored try
 * @param latest whether it is the delivery's latest try
 * @param deliveryStatus the delivery's status
 */
export function attemptView(
  row: WebhookAttemptRow,
  latest: boolean,
  deliveryStatus: 'pending' | 'delivered' | 'failed',
): WebhookDeliveryAttemptView {
  let result: WebhookDeliveryAttemptView['result'];
  if (row.duration_ms === null) result = latest && deliveryStatus === 'pending' ? 'in_progress' : 'interrupted';
  else
    result =
      row.error === null && row.status_code !== null && row.status_code >= 200 && row.status_code < 300
        ? 'succeeded'
        : 'failed';
  return {
    attempt: row.attempt,
    started_at: row.started_at.toISOString(),
    duration_ms: row.duration_ms,
    status_code: row.status_code,
    error:
      row.duration_ms === null && result === 'interrupted'
        ? (row.error ?? 'no result recorded: the sender stopped during this try')
        : row.error,
    result,
  };
}

/**
 * The instant before which finished deliveries are pruned: `now` minus the retention period.
 * @param retentionDays WEBHOOK_HISTORY_RETENTION_DAYS (whole days of 86,400 s)
 */
export function historyCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * 86_400_000);
}
