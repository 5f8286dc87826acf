/**
 * A service clock for end-to-end tests of time-dependent rules: the platform's processes run with
 * `CLOCK_OFFSET_MS` so that, when they start, their clock reads close to `startAt` (then it runs at
 * real speed). The test reads the same clock with `now()` and waits for an instant with `until()`.
 */
export interface ServiceClock {
  /** Environment for startPlatform: every service honours it (packages/service-runtime clock). */
  env: { CLOCK_OFFSET_MS: string };
  now(): Date;
  /** Resolves when the service clock reaches `at`. */
  until(at: Date | string): Promise<void>;
}

export function serviceClockFrom(startAt: Date | string): ServiceClock {
  const offsetMs = new Date(startAt).getTime() - Date.now();
  return {
    env: { CLOCK_OFFSET_MS: String(offsetMs) },
    now: () => new Date(Date.now() + offsetMs),
    until: async (at) => {
      const wait = new Date(at).getTime() - (Date.now() + offsetMs);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    },
  };
}
