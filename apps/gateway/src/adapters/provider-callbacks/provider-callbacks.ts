import {
  AMD_VERDICTS,
  AmdVerdict,
  CallOutcome,
  isCallOutcome,
  isMachineVerdict,
  ProviderCallEvent,
  ProviderEventKind,
} from '@outdial/contracts';

/** A callback that is well signed but cannot be understood: 400, nothing published. */
export class CallbackFormatError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'CallbackFormatError';
  }
}

const TWILIO_FINAL: Record<string, CallOutcome> = {
  busy: 'busy',
  'no-answer': 'no_answer',
  failed: 'failed',
  canceled: 'failed',
};

/** SIP responses of a failed call that say more than "failed" (RFC 3261 / Twilio's SipResponseCode). */
function outcomeOfSip(code: string | undefined): CallOutcome | undefined {
  if (code === '404' || code === '484' || code === '604') return 'invalid_number';
  if (code === '403' || code === '603' || code === '607' || code === '608') return 'blocked';
  return undefined;
}

/** What the callback URL (which Twilio signs) says about the call. */
export interface TwilioCallbackContext {
  /** The call was placed with asynchronous AMD (`amd=async` in the callback URL): a verdict may follow its `completed`. */
  asyncAmd: boolean;
}

/**
 * A Twilio callback as a provider event normalized to SPEC §5; null for statuses that change
 * nothing (queued, initiated). Two kinds of callback reach the same URL:
 * - status callbacks (`CallStatus`): ringing, in-progress -> answered, completed -> `completed`
 *   (`voicemail` when `AnsweredBy` is machine_* or fax), busy, no-answer, failed (SIP codes
 *   refine it), canceled;
 * - the asynchronous AMD verdict (Twilio "Answering Machine Detection", AsyncAmdStatusCallback:
 *   `CallSid`, `AccountSid`, `AnsweredBy`, `MachineDetectionDuration`, and no `CallStatus`) ->
 *   an `amd_verdict` event, which may come after the `completed` (the dialer's late-event table
 *   decides what it still changes).
 * A `completed` without `AnsweredBy` of an async-AMD call is marked `awaits_amd_verdict`.
 * Throws CallbackFormatError naming the field when the callback cannot be understood.
 */
export function twilioCallbackToEvent(
  attemptId: string,
  params: Map<string, string>,
  receivedAt: Date,
  context: TwilioCallbackContext = { asyncAmd: false },
): ProviderCallEvent | null {
  const callSid = params.get('CallSid');
  const status = params.get('CallStatus');
  if (!callSid) throw new CallbackFormatError('CallSid is missing', 'CallSid');
  const answeredBy = amdVerdict(params.get('AnsweredBy'));
  const at = parseTwilioTimestamp(params.get('Timestamp')) ?? receivedAt;
  const base = {
    provider: 'twilio' as const,
    provider_call_id: callSid,
    attempt_id: attemptId,
    at: at.toISOString(),
  };
  if (!status) {
    if (!answeredBy)
      throw new CallbackFormatError(
        'CallStatus is missing (and AnsweredBy too: neither a status callback nor an AMD verdict)',
        'CallStatus',
      );
    // One verdict per call: its id makes a retried verdict callback a duplicate everywhere.
    const verdict: ProviderCallEvent = {
      ...base,
      event_id: `twilio:${callSid}:amd`,
      kind: 'amd_verdict',
      answered_by: answeredBy,
    };
    const detectionMs = params.get('MachineDetectionDuration');
    if (detectionMs !== undefined && detectionMs !== '') {
      const ms = Number(detectionMs);
      if (!Number.isFinite(ms) || ms < 0)
        throw new CallbackFormatError('MachineDetectionDuration must be milliseconds >= 0', 'MachineDetectionDuration');
      verdict.machine_detection_ms = ms;
    }
    return verdict;
  }
  const sequence = params.get('SequenceNumber');
  const id = (kind: ProviderEventKind | 'ended') => `twilio:${callSid}:${kind}${sequence ? `:${sequence}` : ''}`;
  const withVerdict = (event: ProviderCallEvent): ProviderCallEvent =>
    answeredBy ? { ...event, answered_by: answeredBy } : event;
  switch (status) {
    case 'queued':
    case 'initiated':
      return null;
    case 'ringing':
      return { ...base, event_id: id('ringing'), kind: 'ringing' };
    case 'in-progress':
      return withVerdict({ ...base, event_id: id('answered'), kind: 'answered' });
    case 'completed': {
      const event = withVerdict({
        ...base,
        event_id: id('ended'),
        kind: 'ended',
        outcome: isMachineVerdict(answeredBy) ? 'voicemail' : 'completed',
        duration_seconds: seconds(params.get('CallDuration')),
      });
      if (context.asyncAmd && !answeredBy) event.awaits_amd_verdict = true;
      return event;
    }
    default: {
      const outcome = TWILIO_FINAL[status];
      if (!outcome) throw new CallbackFormatError(`unknown CallStatus ${status}`, 'CallStatus');
      const refined = status === 'failed' ? (outcomeOfSip(params.get('SipResponseCode')) ?? outcome) : outcome;
      const event: ProviderCallEvent = {
        ...base,
        event_id: id('ended'),
        kind: 'ended',
        outcome: refined,
        duration_seconds: 0,
      };
      event.failure_reason = `twilio ${status}${params.get('SipResponseCode') ? ` (SIP ${params.get('SipResponseCode')})` : ''}${params.get('ErrorCode') ? ` (error ${params.get('ErrorCode')})` : ''}`;
      return event;
    }
  }
}

/**
 * Twilio's AnsweredBy as an AMD verdict. A value Twilio may add later is not refused (a refused
 * status callback would lose the call's end): a machine_* one counts as machine_end_other, any
 * other as unknown. Empty: no verdict.
 */
export function amdVerdict(value: string | undefined): AmdVerdict | undefined {
  if (value === undefined || value === '') return undefined;
  if ((AMD_VERDICTS as readonly string[]).includes(value)) return value as AmdVerdict;
  return value.startsWith('machine') ? 'machine_end_other' : 'unknown';
}

function seconds(value: string | undefined): number {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

/** Twilio sends RFC 2822 dates ("Mon, 16 Aug 2010 03:45:01 +0000"). */
function parseTwilioTimestamp(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** The events an `http` platform sends (its `ended` outcome already says whether a machine answered). */
const HTTP_EVENT_KINDS: readonly ProviderEventKind[] = ['ringing', 'answered', 'ended'];

/**
 * An `http` platform's status event: `{call_id, event: ringing|answered|ended, outcome?, at?,
 * duration_seconds?, failure_reason?, recording_url?, transcript?, provider_call_id?, event_id?}`.
 * `call_id` is the id Outdial sent when it placed the call (the attempt id); `ended` needs an
 * `outcome` from SPEC §5.
 */
export function httpCallbackToEvent(body: unknown, receivedAt: Date): ProviderCallEvent {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new CallbackFormatError('the body must be a JSON object', '(body)');
  const b = body as Record<string, unknown>;
  const text = (field: string, required = false): string | undefined => {
    const value = b[field];
    if (value === undefined || value === null) {
      if (required) throw new CallbackFormatError(`${field} is required`, field);
      return undefined;
    }
    if (typeof value !== 'string' || value === '')
      throw new CallbackFormatError(`${field} must be a non-empty string`, field);
    return value;
  };
  const callId = text('call_id', true)!;
  const kind = text('event', true)! as ProviderEventKind;
  if (!(HTTP_EVENT_KINDS as readonly string[]).includes(kind))
    throw new CallbackFormatError(`event must be one of ${HTTP_EVENT_KINDS.join(', ')}`, 'event');
  const outcome = text('outcome');
  if (outcome !== undefined && !isCallOutcome(outcome))
    throw new CallbackFormatError(`outcome ${outcome} is not an Outdial outcome`, 'outcome');
  if (kind === 'ended' && !outcome) throw new CallbackFormatError('an ended event needs an outcome', 'outcome');
  const atText = text('at');
  if (atText !== undefined && Number.isNaN(Date.parse(atText)))
    throw new CallbackFormatError('at must be an ISO 8601 time', 'at');
  const duration = b.duration_seconds;
  if (duration !== undefined && (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0))
    throw new CallbackFormatError('duration_seconds must be a number >= 0', 'duration_seconds');
  const providerCallId = text('provider_call_id') ?? callId;
  const event: ProviderCallEvent = {
    event_id: text('event_id') ? `http:${callId}:${text('event_id')}` : `http:${providerCallId}:${kind}`,
    provider: 'http',
    provider_call_id: providerCallId,
    attempt_id: callId,
    kind,
    at: atText ? new Date(atText).toISOString() : receivedAt.toISOString(),
  };
  if (outcome) event.outcome = outcome as CallOutcome;
  if (duration !== undefined) event.duration_seconds = duration as number;
  for (const field of ['failure_reason', 'recording_url', 'transcript'] as const) {
    const value = text(field);
    if (value !== undefined) event[field] = value;
  }
  return event;
}
