import { InvalidArgumentError } from 'commander';

/**
 * Parsers of option values (commander `argParser`s): each returns the API's value or throws
 * `InvalidArgumentError` (commander prints it and exits with the usage code). Pure; unit-tested.
 */

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A whole number within [min, max]. */
export function intOption(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/** A comma-separated list (`busy,no_answer`), trimmed, no empties; optionally only from `allowed`. */
export function listOption(allowed?: readonly string[]): (value: string) => string[] {
  return (value) => {
    const items = value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (items.length === 0) throw new InvalidArgumentError('must list at least one value, comma-separated');
    if (allowed) {
      const unknown = items.filter((i) => !allowed.includes(i));
      if (unknown.length > 0)
        throw new InvalidArgumentError(
          `unknown value${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`,
        );
    }
    return items;
  };
}

/** Seconds, comma-separated (`300,1800`): the retry delays (SPEC §3 `retry_policy.delays_seconds`). */
export function secondsListOption(value: string): number[] {
  return listOption()(value).map((s) => {
    if (!/^\d+$/.test(s)) throw new InvalidArgumentError(`"${s}" is not a whole number of seconds`);
    return Number(s);
  });
}

/**
 * A calling window `9-18` or `09:00-18:00` (local hours, end exclusive) → `{start_hour, end_hour}`
 * (SPEC §3 `call_timing`; 0 ≤ start < end ≤ 24; the API also enforces 08:00-21:00 unless the org
 * turned that guard off).
 */
export function windowOption(value: string): { start_hour: number; end_hour: number } {
  const match = /^\s*(\d{1,2})(?::00)?\s*-\s*(\d{1,2})(?::00)?\s*$/.exec(value);
  if (!match) throw new InvalidArgumentError('must be hours like 9-18 or 09:00-18:00');
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (start > 23 || end < 1 || end > 24 || start >= end)
    throw new InvalidArgumentError('start must be before end, within 0-24');
  return { start_hour: start, end_hour: end };
}

/**
 * Days `mon-fri`, `mon,wed,fri`, `sat-sun` or mixes (`mon-wed,sat`); a range may wrap (`fri-mon`).
 * Returns the days in week order without repeats.
 */
export function daysOption(value: string): Weekday[] {
  const days = new Set<Weekday>();
  for (const part of listOption()(value.toLowerCase())) {
    const [from, to, extra] = part.split('-').map((s) => s.trim());
    if (extra !== undefined) throw new InvalidArgumentError(`"${part}" is not a day or a range of days`);
    const a = WEEKDAYS.indexOf(from as Weekday);
    const b = to === undefined ? a : WEEKDAYS.indexOf(to as Weekday);
    if (a < 0 || b < 0)
      throw new InvalidArgumentError(`"${part}" is not a day (mon, tue, wed, thu, fri, sat, sun) or a range of them`);
    for (let i = a; ; i = (i + 1) % 7) {
      days.add(WEEKDAYS[i]);
      if (i === b) break;
    }
  }
  return WEEKDAYS.filter((d) => days.has(d));
}

/**
 * `--map phone=Mobile` (repeatable; `a=x,b=y` also accepted): our field = their column
 * (SPEC §2 `column_mapping`). Accumulates into `previous`.
 */
export function mappingOption(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const result = { ...previous };
  for (const pair of listOption()(value)) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1)
      throw new InvalidArgumentError(`"${pair}" must be field=Column, e.g. phone=Mobile`);
    result[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return result;
}

/**
 * `--set key=value` (repeatable): any other batch setting; the value is read as JSON when it
 * parses (`priority=5`, `metadata={"a":1}`), else kept as text.
 */
export function setOption(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`"${value}" must be key=value`);
  const key = value.slice(0, eq).trim();
  const raw = value.slice(eq + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    /* text */
  }
  return { ...previous, [key]: parsed };
}

/** A JSON object (`--metadata '{"team":"sales"}'`). */
export function jsonObjectOption(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('must be a JSON object');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new InvalidArgumentError('must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** One of `allowed`. */
export function choiceOption<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!allowed.includes(value as T)) throw new InvalidArgumentError(`must be one of ${allowed.join(', ')}`);
    return value as T;
  };
}

/** Options of `batches create` / `redial` as commander hands them over (camelCase). */
export interface SettingsFlags {
  agent?: string;
  name?: string;
  description?: string;
  from?: string;
  campaign?: string;
  concurrency?: number;
  maxAttempts?: number;
  retryOn?: string[];
  retryDelays?: number[];
  retryOnVoicemail?: boolean;
  schedule?: string;
  timezone?: string;
  end?: string;
  window?: { start_hour: number; end_hour: number };
  days?: Weekday[];
  skipWeekends?: boolean;
  callTimezone?: string;
  delayBetweenCalls?: number;
  callbackUrl?: string;
  region?: string;
  invalidPhones?: 'skip' | 'use_as_is';
  map?: Record<string, string>;
  metadata?: Record<string, unknown>;
  priority?: number;
  timeoutPerCall?: number;
  bypassCallGuardrails?: boolean;
  set?: Record<string, unknown>;
}

/**
 * The API's batch settings (SPEC §3, snake_case) from the flags: grouped options become
 * `retry_policy`, `call_timing`, `column_mapping`; unset flags are left out so the API's defaults
 * (or, for a redial, the original batch's settings) apply. `--set` wins over the named flags.
 */
export function settingsFromFlags(flags: SettingsFlags): Record<string, unknown> {
  const settings: Record<string, unknown> = {
    agent_id: flags.agent,
    name: flags.name,
    description: flags.description,
    from_number: flags.from,
    campaign_id: flags.campaign,
    concurrency: flags.concurrency,
    max_attempts: flags.maxAttempts,
    scheduled_start_time: flags.schedule,
    timezone: flags.timezone,
    end_time: flags.end,
    callback_url: flags.callbackUrl,
    default_region: flags.region,
    invalid_phone_handling: flags.invalidPhones,
    column_mapping: flags.map && Object.keys(flags.map).length > 0 ? flags.map : undefined,
    metadata: flags.metadata,
    priority: flags.priority,
    timeout_per_call_seconds: flags.timeoutPerCall,
    bypass_call_guardrails: flags.bypassCallGuardrails,
  };
  const retry = compact({
    retry_on: flags.retryOn,
    delays_seconds: flags.retryDelays,
    retry_on_voicemail: flags.retryOnVoicemail,
  });
  if (retry) settings.retry_policy = retry;
  const timing = compact({
    start_hour: flags.window?.start_hour,
    end_hour: flags.window?.end_hour,
    days: flags.days,
    skip_weekends: flags.skipWeekends,
    timezone: flags.callTimezone,
    delay_between_calls_seconds: flags.delayBetweenCalls,
  });
  if (timing) settings.call_timing = timing;
  return compact({ ...settings, ...flags.set }) ?? {};
}

function compact(record: Record<string, unknown>): Record<string, unknown> | undefined {
  const entries = Object.entries(record).filter(([, v]) => v !== undefined);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
