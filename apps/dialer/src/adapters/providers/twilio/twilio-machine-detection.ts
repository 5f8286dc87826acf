import { MachineDetectionSettings } from '@outdial/contracts';

/**
 * Twilio create-call parameters for an agent's AMD settings (`machineDetectionSettings` in
 * @outdial/contracts reads them from the agent config). Source: Twilio, "Answering Machine
 * Detection" (https://www.twilio.com/docs/voice/answering-machine-detection). Detection is always
 * asynchronous (`AsyncAmd=true`): the agent's TwiML starts at once, with no silence for a human,
 * and the verdict comes to its own callback, possibly after the call ended (see the late-event
 * table in domain/attempt-transitions.ts).
 *
 * The create-call form parameters for these settings; `callbackUrl` is where the verdict goes
 * (the gateway's Twilio callback route). Nothing for `off`.
 */
export function machineDetectionParams(settings: MachineDetectionSettings, callbackUrl: string): [string, string][] {
  if (settings.mode === 'off') return [];
  const params: [string, string][] = [
    ['MachineDetection', settings.mode === 'detect_message_end' ? 'DetectMessageEnd' : 'Enable'],
    ['AsyncAmd', 'true'],
    ['AsyncAmdStatusCallback', callbackUrl],
    ['AsyncAmdStatusCallbackMethod', 'POST'],
  ];
  if (settings.timeoutSeconds !== undefined) params.push(['MachineDetectionTimeout', String(settings.timeoutSeconds)]);
  return params;
}
