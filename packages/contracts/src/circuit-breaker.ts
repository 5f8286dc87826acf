import { IsBoolean, IsInt, IsNumber, Max, Min } from 'class-validator';

/**
 * When a batch pauses itself (SPEC §4 auto-pause): its recent attempts failed for system reasons
 * (`agent_error`, `carrier_error`) at or above `failure_ratio` of at least `min_attempts` attempts
 * ended in the last `window_seconds`, or `consecutive_agent_errors` attempts in a row ended
 * `agent_error`. Per org (PATCH /api/org `circuit_breaker`).
 */
export class CircuitBreakerSettings {
  @IsBoolean() enabled: boolean;
  @IsInt() @Min(1) @Max(10_000) min_attempts: number;
  @IsNumber() @Min(0.01) @Max(1) failure_ratio: number;
  @IsInt() @Min(10) @Max(86_400) window_seconds: number;
  @IsInt() @Min(1) @Max(10_000) consecutive_agent_errors: number;
}

/** The defaults: >= 50 % of >= 20 attempts in 2 minutes, or 10 `agent_error` in a row. */
export const CIRCUIT_BREAKER_DEFAULTS: Readonly<CircuitBreakerSettings> = Object.freeze({
  enabled: true,
  min_attempts: 20,
  failure_ratio: 0.5,
  window_seconds: 120,
  consecutive_agent_errors: 10,
});

/** Outcomes that say the platform (agent, carrier), not the contact, failed. */
export const SYSTEM_FAILURE_OUTCOMES: readonly string[] = ['agent_error', 'carrier_error'];
