import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Logger, SERVICE_CONFIG, SERVICE_LOGGER } from '@outdial/service-runtime';
import { SchedulerEnv } from '../../scheduler-env';
import { ReleaseContactsUseCase } from './release-contacts.usecase';

/** Runs the release pass every SCHEDULER_TICK_MS, and at once when a slot frees up. */
@Injectable()
export class ReleaseLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly release: ReleaseContactsUseCase,
    @Inject(SERVICE_CONFIG) private readonly config: SchedulerEnv,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), this.config.SCHEDULER_TICK_MS);
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.release.tick();
        } catch (error) {
          this.logger.warn({ err: error }, 'release pass failed; retrying on the next tick');
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
