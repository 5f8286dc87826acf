/** Batch lifecycle statuses (SPEC §4). */
export const BATCH_STATUSES = [
  'pending',
  'scheduled',
  'running',
  'paused',
  'completed',
  'failed',
  'cancelled',
] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];
export const FINAL_BATCH_STATUSES: readonly BatchStatus[] = ['completed', 'failed', 'cancelled'];

/** Contact statuses (SPEC §5). */
export const NON_FINAL_CONTACT_STATUSES = ['pending', 'queued', 'dialing', 'in_progress'] as const;
export const FINAL_CONTACT_STATUSES = [
  'completed',
  'voicemail',
  'failed',
  'invalid_number',
  'blocked',
  'carrier_error',
  'agent_error',
  'suppressed',
  'cancelled',
  'expired',
  'opted_out',
] as const;
export const CONTACT_STATUSES = [...NON_FINAL_CONTACT_STATUSES, ...FINAL_CONTACT_STATUSES] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];
export type FinalContactStatus = (typeof FINAL_CONTACT_STATUSES)[number];

export function isFinalContactStatus(status: string): status is FinalContactStatus {
  return (FINAL_CONTACT_STATUSES as readonly string[]).includes(status);
}

/** Outcomes of one attempt (SPEC §5). */
export const CALL_OUTCOMES = [
  'completed',
  'voicemail',
  'busy',
  'no_answer',
  'timeout',
  'failed',
  'invalid_number',
  'blocked',
  'carrier_error',
  'agent_error',
  'opted_out',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export function isCallOutcome(value: string): value is CallOutcome {
  return (CALL_OUTCOMES as readonly string[]).includes(value);
}

/** Retried by default; `voicemail` only when the policy says `retry_on_voicemail`. */
export const DEFAULT_RETRY_ON: readonly CallOutcome[] = ['busy', 'no_answer', 'timeout'];
/** Never retried, whatever the policy says. */
export const NEVER_RETRIED_OUTCOMES: readonly CallOutcome[] = [
  'invalid_number',
  'blocked',
  'carrier_error',
  'agent_error',
  'opted_out',
];

/** The contact status a final (not retried) outcome leaves the contact in (SPEC §5). */
export function finalStatusForOutcome(outcome: CallOutcome): FinalContactStatus {
  switch (outcome) {
    case 'completed':
    case 'voicemail':
    case 'invalid_number':
    case 'blocked':
    case 'carrier_error':
    case 'agent_error':
    case 'opted_out':
      return outcome;
    case 'busy':
    case 'no_answer':
    case 'timeout':
    case 'failed':
      return 'failed';
  }
}

/** Attempt (call) statuses as the dialer tracks them. */
export const ATTEMPT_STATUSES = ['admitted', 'dialing', 'ringing', 'in_progress', 'ended'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

export const MEMBER_ROLES = ['owner', 'admin', 'member'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export const AGENT_KINDS = ['voice', 'text'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

/** The voice-agent platforms Outdial calls through their own outbound-call APIs (SPEC §7). */
export const VOICE_AGENT_PLATFORMS = ['vapi', 'retell', 'elevenlabs', 'bland', 'bolna'] as const;
export type VoiceAgentPlatform = (typeof VOICE_AGENT_PLATFORMS)[number];

export const PROVIDERS = ['simulated', 'http', 'twilio', ...VOICE_AGENT_PLATFORMS] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export function isVoiceAgentPlatform(value: string): value is VoiceAgentPlatform {
  return (VOICE_AGENT_PLATFORMS as readonly string[]).includes(value);
}
