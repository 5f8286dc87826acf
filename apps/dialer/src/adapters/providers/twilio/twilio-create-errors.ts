import { CallOutcome } from '@outdial/contracts';

/** Twilio error codes (https://www.twilio.com/docs/api/errors) that say the number itself is the problem. */
const INVALID_NUMBER_CODES = new Set([21211, 21214, 21217, 21401, 21407, 13223, 13224]);
/** Codes where the call is not allowed (geo permissions, blocked destinations, opted-out recipients). */
const BLOCKED_CODES = new Set([21215, 21216, 21610, 13227, 32205]);

export type TwilioCreateFailure =
  /** Twilio did not take the request (rate limited, unavailable): safe to try again later. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /** The attempt ends with this outcome; nothing more to do. */
  | {
      kind: 'end';
      outcome: Exclude<CallOutcome, 'completed' | 'voicemail' | 'busy' | 'no_answer' | 'timeout'>;
      reason: string;
    };

/**
 * What a non-2xx answer of "create call" means for the attempt. Only answers that prove no call
 * was created are retried (429, 503): a 500/502/504 might have created it, and a retry could call
 * the person twice, so the attempt ends `carrier_error` instead.
 */
export function classifyCreateFailure(status: number, body: string): TwilioCreateFailure {
  const { code, reason } = twilioError(status, body);
  if (status === 429 || code === 20429 || status === 503) return { kind: 'retry', reason };
  if (code !== undefined && INVALID_NUMBER_CODES.has(code)) return { kind: 'end', outcome: 'invalid_number', reason };
  if (code !== undefined && BLOCKED_CODES.has(code)) return { kind: 'end', outcome: 'blocked', reason };
  if (status >= 500)
    return { kind: 'end', outcome: 'carrier_error', reason: `${reason} (not retried: the call may have been created)` };
  return { kind: 'end', outcome: 'failed', reason };
}

/** Twilio's error answer (`{code, message, more_info, status}`) as its code and a one-line reason. */
export function twilioError(status: number, body: string): { code?: number; reason: string } {
  let code: number | undefined;
  let message = body.slice(0, 200);
  try {
    const parsed = JSON.parse(body) as { code?: number; message?: string };
    code = typeof parsed.code === 'number' ? parsed.code : undefined;
    if (parsed.message) message = parsed.message;
  } catch {
    /* not JSON: keep the text */
  }
  return { code, reason: `twilio ${status}${code ? ` (${code})` : ''}: ${message}` };
}
