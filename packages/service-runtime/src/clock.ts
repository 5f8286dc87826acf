/** Where every service takes the time from, so tests can drive it. */
export abstract class Clock {
  abstract now(): Date;
  nowMs(): number {
    return this.now().getTime();
  }
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/**
 * The real clock shifted by a fixed offset: runs at real speed, reads `offsetMs` later (earlier
 * when negative). What `CLOCK_OFFSET_MS` / `CLOCK_START_AT` give a service, so an end-to-end test
 * can run the platform "at 16:03 in St. John's" whatever the hour it runs at.
 */
export class OffsetClock extends Clock {
  constructor(readonly offsetMs: number) {
    super();
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

/**
 * The service clock the configuration asks for: `CLOCK_START_AT` (an ISO 8601 instant: the clock
 * reads it when the process starts, then runs at real speed), else `CLOCK_OFFSET_MS` (a fixed
 * shift from real time, the same in every process and across restarts - what the launcher hands
 * its services when given CLOCK_START_AT), else the system clock. Both set: an error.
 * `realNowMs`: the real time now (injectable for tests).
 */
export function clockFromConfig(
  config: { CLOCK_START_AT?: string; CLOCK_OFFSET_MS?: number },
  realNowMs: number = Date.now(),
): Clock {
  if (config.CLOCK_START_AT !== undefined && config.CLOCK_OFFSET_MS !== undefined && config.CLOCK_OFFSET_MS !== 0) {
    throw new Error('set CLOCK_START_AT or CLOCK_OFFSET_MS, not both');
  }
  if (config.CLOCK_START_AT !== undefined) return new OffsetClock(Date.parse(config.CLOCK_START_AT) - realNowMs);
  if (config.CLOCK_OFFSET_MS) return new OffsetClock(config.CLOCK_OFFSET_MS);
  return new SystemClock();
}
