import type { Logger } from '@outdial/service-runtime';

/**
 * Runs `run` every `intervalMs`, never overlapping itself; a failing run is logged and the next
 * one happens as usual. `stop()` prevents new runs and waits for the current one.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private current?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly run: () => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    // unref: a pending tick alone never keeps the process alive.
    this.timer = setTimeout(() => this.tick(), this.intervalMs).unref();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    this.current = this.run()
      .then(() => undefined)
      .catch((error) => this.log.warn({ err: error, task: this.name }, `${this.name} failed; retrying next interval`))
      .finally(() => {
        this.current = undefined;
        this.schedule();
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }
}
