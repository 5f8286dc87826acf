import { callingWindowOpenAt, CallingWindowRule } from './calling-window-guard';
import { takeToken, TokenBucketState } from './org-token-bucket';

export type AdmissionLimit = 'batch' | 'agent' | 'org' | 'rate';

export interface AdmissionInput {
  /** Open attempts (calls holding a slot) of the org, across every replica. */
  orgOpen: number;
  /** Open attempts of the request's batch. */
  batchOpen: number;
  maxConcurrentCalls: number;
  /** Open attempts of the request's agent, and its `max_concurrent_calls` (the platform plan's limit) when set. */
  agentOpen?: number;
  agentMaxConcurrentCalls?: number;
  /** The batch's `concurrency`; undefined when the request does not carry it. */
  batchConcurrency: number | undefined;
  callsPerSecond: number;
  bucket: TokenBucketState;
  nowMs: number;
}

export type AdmissionDecision =
  | { kind: 'admit'; bucket: TokenBucketState }
  /** retryAfterMs: when trying again may succeed (exact for the rate limit, a guess for slots). */
  | { kind: 'refuse'; limit: AdmissionLimit; retryAfterMs?: number };

/**
 * Whether one more call may start now: a slot under the batch's concurrency, a slot under the
 * agent's max_concurrent_calls (its voice-agent platform's plan limit, across all batches), a slot
 * under the org's max_concurrent_calls, and a token from the org's rate bucket. Slots are checked first so a
 * call that cannot start never spends a token.
 */
export function decideAdmission(input: AdmissionInput): AdmissionDecision {
  if (input.batchConcurrency !== undefined && input.batchOpen >= input.batchConcurrency)
    return { kind: 'refuse', limit: 'batch' };
  if (input.agentMaxConcurrentCalls !== undefined && (input.agentOpen ?? 0) >= input.agentMaxConcurrentCalls)
    return { kind: 'refuse', limit: 'agent' };
  if (input.orgOpen >= input.maxConcurrentCalls) return { kind: 'refuse', limit: 'org' };
  const token = takeToken(input.bucket, input.callsPerSecond, input.nowMs);
  if (!token.granted) return { kind: 'refuse', limit: 'rate', retryAfterMs: token.waitMs };
  return { kind: 'admit', bucket: token.state };
}

export interface BatchStateView {
  status: string;
  changedAtMs: number;
}

/**
 * Whether the batch lets a call start, from the latest status the dialer has seen. The scheduler is
 * the authority: it only releases contacts of running batches, so a request released AFTER the
 * latest change the dialer knows of proves that change is stale (a newer `running` is on its way).
 * An unknown batch counts as running.
 */
export function batchAllowsDial(state: BatchStateView | undefined, requestedAtMs: number): boolean {
  if (!state || state.status === 'running') return true;
  return requestedAtMs > state.changedAtMs;
}

/** The contact's calling window (or the batch's end_time) is closed at `nowMs`. */
export function pastNotAfter(notAfter: string | undefined, nowMs: number): boolean {
  return notAfter !== undefined && nowMs >= Date.parse(notAfter);
}

/**
 * Whether the contact may be called at `nowMs` as far as time goes:
 * - `open`: yes;
 * - `past_not_after`: the window close (or batch end) the scheduler stated has passed - an expected
 *   race (the request waited in the queue or for a slot);
 * - `closed_by_guard`: `not_after` says open, but the dialer's own check of the window says closed
 *   - the scheduler released a contact outside its window, which an operator must look at.
 */
export function dialTimeVerdict(
  request: { not_after?: string; calling_window?: CallingWindowRule },
  nowMs: number,
): 'open' | 'past_not_after' | 'closed_by_guard' {
  if (pastNotAfter(request.not_after, nowMs)) return 'past_not_after';
  if (request.calling_window && !callingWindowOpenAt(request.calling_window, new Date(nowMs))) return 'closed_by_guard';
  return 'open';
}

/** The agent's `max_concurrent_calls` (its platform plan's limit), when set. */
export function agentMaxConcurrentCalls(config: Record<string, unknown> | undefined): number | undefined {
  const max = config?.max_concurrent_calls;
  return typeof max === 'number' && Number.isInteger(max) && max >= 1 ? max : undefined;
}
