import { CALL_OUTCOMES, CallOutcome, isCallOutcome } from '@outdial/contracts';

/** Per-contact scripting of the simulated provider (SPEC §7), read from the contact's variables. */
export interface SimScript {
  /** One outcome per attempt; the last one repeats for later attempts. */
  outcomes?: CallOutcome[];
  /** Talk time before scaling; 0 is allowed. */
  durationSeconds?: number;
}

export const SIM_OUTCOMES_VARIABLE = 'sim_outcomes';
export const SIM_DURATION_VARIABLE = 'sim_duration_seconds';

/** A script a test or demo author got wrong: the call fails with this message rather than guessing. */
export class SimScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimScriptError';
  }
}

/** Reads `sim_outcomes` and `sim_duration_seconds`; absent or blank variables mean "not scripted". */
export function parseSimScript(variables: Readonly<Record<string, string | undefined>>): SimScript {
  const script: SimScript = {};
  const outcomes = variables[SIM_OUTCOMES_VARIABLE];
  if (outcomes !== undefined && outcomes.trim() !== '') script.outcomes = parseOutcomeList(outcomes);
  const duration = variables[SIM_DURATION_VARIABLE];
  if (duration !== undefined && duration.trim() !== '') script.durationSeconds = parseDuration(duration);
  return script;
}

function parseOutcomeList(text: string): CallOutcome[] {
  const entries = text.split(',').map((entry) => entry.trim().toLowerCase());
  const invalid = entries.map((entry, index) => ({ entry, index })).filter(({ entry }) => !isCallOutcome(entry));
  if (invalid.length > 0) {
    const named = invalid.map(({ entry, index }) =>
      entry === '' ? `entry ${index + 1} is empty` : `"${entry}" (entry ${index + 1})`,
    );
    throw new SimScriptError(
      `invalid ${SIM_OUTCOMES_VARIABLE}: ${named.join(', ')}; expected a comma list of ${CALL_OUTCOMES.join(', ')}`,
    );
  }
  return entries as CallOutcome[];
}

function parseDuration(text: string): number {
  const trimmed = text.trim();
  // A plain decimal only: Number() would also accept "0x10", "1e3" and "Infinity".
  if (!/^\d+(\.\d+)?$/.test(trimmed)) {
    throw new SimScriptError(`invalid ${SIM_DURATION_VARIABLE}: "${text}"; expected a number of seconds >= 0`);
  }
  return Number(trimmed);
}

/** The scripted outcome of attempt `attempt` (1-based), or undefined when outcomes are not scripted. */
export function scriptedOutcome(script: SimScript, attempt: number): CallOutcome | undefined {
  if (!script.outcomes || script.outcomes.length === 0) return undefined;
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new RangeError(`attempt must be an integer >= 1, got ${attempt}`);
  return script.outcomes[Math.min(attempt, script.outcomes.length) - 1];
}
