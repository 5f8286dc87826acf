import { CallOutcome } from '@outdial/contracts';

/**
 * An attempt ended with `outcome`: a `v1.call.finished` event (which has these fields), or a
 * release that never reported back, ended `timeout` by the recover-lost-releases use case.
 */
export interface RecordCallOutcomeCommand {
  batch_id: string;
  contact_id: string;
  /** The attempt number (1-based) the result is for; a result of another attempt changes nothing. */
  attempt: number;
  outcome: CallOutcome;
}
