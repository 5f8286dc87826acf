import type { Logger } from 'pino';

/** A periodic job: resolves when done; a rejection counts as a failed run. */
export type TaskRun = () => Promise<unknown>;

export interface TaskOptions {
  /** Run once right when the loop starts (default false: first run after `intervalMs`). */
  runAtStart?: boolean;
}

/** Timer functions (injectable for tests; default: the global ones). */
export interface TaskTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: TaskTimers = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // A pending tick alone never keeps the process alive.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

class PeriodicLoop {
  private timer?: unknown;
  private current?: Promise<void>;
  private running = false;
  private failing = false;

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    private readonly run: TaskRun,
    private readonly options: TaskOptions,
    private readonly log: Pick<Logger, 'warn' | 'debug' | 'info'>,
    private readonly timers: TaskTimers,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.options.runAtStart) this.tick();
    else this.schedule();
  }

  /** Runs now (outside the schedule) unless a run is under way; the next tick comes as planned. */
  private schedule(): void {
    if (!this.running) return;
    this.timer = this.timers.setTimeout(() => this.tick(), this.intervalMs);
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.running) return;
    let run: Promise<unknown>;
    try {
      run = this.run();
    } catch (error) {
      run = Promise.reject(error);
    }
    this.current = run
      .then(() => {
        if (this.failing) this.log.info({ task: this.name }, `${this.name} recovered`);
        this.failing = false;
      })
      .catch((error: unknown) => {
        // Once per failure streak at warn; the repeats at debug so a long outage does not flood the log.
        if (!this.failing)
          this.log.warn({ err: error, task: this.name }, `${this.name} failed; retrying every ${this.intervalMs} ms`);
        else this.log.debug({ err: error, task: this.name }, `${this.name} failed again`);
        this.failing = true;
      })
      .finally(() => {
        this.current = undefined;
        this.schedule();
      });
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }
}

/**
 * The service's background loops (sweepers, reapers, samplers): `every(name, intervalMs, run)`.
 *
 * - Loops start once, after the app is bootstrapped (`start()`, called by startService after the
 *   HTTP server listens; a second call is a no-op, so Nest's double bootstrap under the hybrid
 *   app+microservice start cannot start a loop twice). A loop registered after `start()` starts at once.
 * - A run never overlaps itself: the next one is scheduled `intervalMs` after the previous ended.
 * - A failed run is logged at warn once per streak of failures (debug for the repeats, info on recovery).
 * - `stop()` (at shutdown, before the consumers drain) prevents new runs and waits for the ones under way.
 */
export class BackgroundTasks {
  private readonly loops = new Map<string, PeriodicLoop>();
  private started = false;
  private stopped = false;

  constructor(
    private readonly log: Pick<Logger, 'warn' | 'debug' | 'info'>,
    private readonly timers: TaskTimers = realTimers,
  ) {}

  /**
   * Registers a loop running `run` every `intervalMs` (ms, > 0). Throws if `name` is already used
   * (two loops must not share a name: it is their log key).
   */
  every(name: string, intervalMs: number, run: TaskRun, options: TaskOptions = {}): void {
    if (!(intervalMs > 0)) throw new Error(`background task ${name}: intervalMs must be > 0 (got ${intervalMs})`);
    if (this.loops.has(name)) throw new Error(`background task ${name} is already registered`);
    const loop = new PeriodicLoop(name, intervalMs, run, options, this.log, this.timers);
    this.loops.set(name, loop);
    if (this.started && !this.stopped) loop.start();
  }

  /** Names of the registered loops. */
  names(): string[] {
    return [...this.loops.keys()];
  }

  /** Starts every loop (once; later calls do nothing). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    for (const loop of this.loops.values()) loop.start();
  }

  /** Stops every loop and waits for the runs under way. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.loops.values()].map((loop) => loop.stop()));
  }
}
