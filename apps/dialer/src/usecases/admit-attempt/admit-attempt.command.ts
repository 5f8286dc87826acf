import { DialRequest } from '@outdial/contracts';

/** Admit one dial request (AdmitAttemptUseCase). */
export interface AdmitAttemptCommand {
  request: DialRequest;
  /** The agent's own concurrency limit (its config `max_concurrent_calls`, the platform plan's), when set. */
  agentMaxConcurrentCalls?: number;
}
