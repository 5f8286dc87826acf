/**
 * An agent's answering-machine detection (AMD) settings (`twilio` agents), read by the gateway
 * (agent config validation: 400 naming the key) and the dialer (create-call parameters, in
 * apps/dialer/src/adapters/providers/twilio/twilio-machine-detection.ts). Source: Twilio, "Answering Machine Detection"
 * (https://www.twilio.com/docs/voice/answering-machine-detection): `MachineDetection` = `Enable` |
 * `DetectMessageEnd`, `AsyncAmd` = `true`, `AsyncAmdStatusCallback` (+ `AsyncAmdStatusCallbackMethod`
 * POST), `MachineDetectionTimeout` 3-59 s (Twilio's default 30).
 *
 * Agent config (`config` of a twilio agent; no secrets there):
 * - `machine_detection`: `"detect"` (default) asks Twilio to say who answered as soon as it knows;
 *   `"detect_message_end"` waits for the end of a machine's greeting (verdicts `machine_end_beep`,
 *   `machine_end_silence`, `machine_end_other`), for agents that leave a message after the beep;
 *   `"off"` asks for no detection (a machine-answered call then ends `completed`).
 * - `machine_detection_timeout_seconds`: 3-59, Twilio's `MachineDetectionTimeout`.
 * - `hangup_on_machine`: `true` hangs the call up as soon as a machine or fax verdict comes during
 *   the call (the agent does not talk to voicemail; Twilio: update the call with `Status=completed`).
 *   Needs detection on.
 *
 * Detection is always asynchronous: the call's TwiML (the agent) starts at once, with no silence for
 * a human, and the verdict arrives in a callback of its own, possibly after the call has ended (see
 * the late-event table in apps/dialer/src/domain/attempt-transitions.ts).
 */

export const MACHINE_DETECTION_MODES = ['off', 'detect', 'detect_message_end'] as const;
export type MachineDetectionMode = (typeof MACHINE_DETECTION_MODES)[number];

export interface MachineDetectionSettings {
  mode: MachineDetectionMode;
  /** Twilio's MachineDetectionTimeout in seconds; undefined: Twilio's default (30). */
  timeoutSeconds?: number;
  /** Hang up when a machine or fax answered (default false). */
  hangupOnMachine: boolean;
}

export const MACHINE_DETECTION_TIMEOUT_RANGE = { min: 3, max: 59 } as const;

/** The agent config is wrong (`field`: the config key): 400 at the gateway, `agent_error` at the dialer. */
export class MachineDetectionConfigError extends Error {
  constructor(
    message: string,
    readonly field: 'machine_detection' | 'machine_detection_timeout_seconds' | 'hangup_on_machine',
  ) {
    super(message);
    this.name = 'MachineDetectionConfigError';
  }
}

/**
 * Reads `machine_detection`, `machine_detection_timeout_seconds` and `hangup_on_machine` from a
 * twilio agent's config. Absent: `detect` with Twilio's timeout, no hang-up. Throws
 * MachineDetectionConfigError naming the key on a value outside the lists above.
 */
export function machineDetectionSettings(config: Record<string, unknown>): MachineDetectionSettings {
  const rawMode = config.machine_detection;
  let mode: MachineDetectionMode = 'detect';
  if (rawMode !== undefined && rawMode !== null) {
    if (typeof rawMode !== 'string' || !(MACHINE_DETECTION_MODES as readonly string[]).includes(rawMode)) {
      throw new MachineDetectionConfigError(
        `agent config machine_detection must be one of ${MACHINE_DETECTION_MODES.join(', ')} (got ${JSON.stringify(rawMode)})`,
        'machine_detection',
      );
    }
    mode = rawMode as MachineDetectionMode;
  }
  const rawHangup = config.hangup_on_machine;
  if (rawHangup !== undefined && rawHangup !== null && typeof rawHangup !== 'boolean') {
    throw new MachineDetectionConfigError(
      `agent config hangup_on_machine must be true or false (got ${JSON.stringify(rawHangup)})`,
      'hangup_on_machine',
    );
  }
  const hangupOnMachine = rawHangup === true;
  if (hangupOnMachine && mode === 'off')
    throw new MachineDetectionConfigError(
      'agent config hangup_on_machine needs machine_detection detect or detect_message_end (it is off)',
      'hangup_on_machine',
    );
  const settings: MachineDetectionSettings = { mode, hangupOnMachine };
  const rawTimeout = config.machine_detection_timeout_seconds;
  if (rawTimeout === undefined || rawTimeout === null) return settings;
  const { min, max } = MACHINE_DETECTION_TIMEOUT_RANGE;
  if (typeof rawTimeout !== 'number' || !Number.isInteger(rawTimeout) || rawTimeout < min || rawTimeout > max) {
    throw new MachineDetectionConfigError(
      `agent config machine_detection_timeout_seconds must be an integer from ${min} to ${max} (got ${JSON.stringify(rawTimeout)})`,
      'machine_detection_timeout_seconds',
    );
  }
  return { ...settings, timeoutSeconds: rawTimeout };
}
