import { ContactReadModel, SUCCESS_STATUS } from './contact-read-model';

/**
 * The error shown for a contact (results CSV `error_message`, status `errors[].error`): the
 * provider's failure reason when there is one, else, for a contact that ended unsuccessfully,
 * its last outcome (`busy` after retries ran out) or its status (`suppressed`, `invalid_number`).
 * A successful or still-running contact without a failure reason has none.
 */
export function contactErrorMessage(
  contact: Pick<ContactReadModel, 'status' | 'final' | 'failure_reason' | 'last_outcome'>,
): string {
  if (contact.final && contact.status === SUCCESS_STATUS) return '';
  if (contact.failure_reason) return contact.failure_reason;
  if (contact.final) return contact.last_outcome ?? contact.status;
  return '';
}

/** Retries are attempts after the first. */
export function retryCount(attempts: number): number {
  return Math.max(0, attempts - 1);
}
