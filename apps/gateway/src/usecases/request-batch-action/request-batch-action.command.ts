import { BatchAction } from '@outdial/contracts';

import { AuthContext } from '../../domain/auth-context';

/** A lifecycle action on a batch (SPEC §4) asked through the API; `reschedule` carries its new start. */
export interface RequestBatchActionCommand {
  auth: AuthContext;
  batch_id: string;
  action: BatchAction;
  /** `reschedule` only: ISO 8601, read in `timezone` (else the batch's) when it has no offset. */
  scheduled_start_time?: string;
  timezone?: string;
}
