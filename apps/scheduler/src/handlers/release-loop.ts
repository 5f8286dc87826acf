import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { BackgroundTasks, Logger, SERVICE_CONFIG, SERVICE_LOGGER } from '@outdial/service-runtime';

import { SchedulerEnv } from '../scheduler-env';
import { ExpireNeverCallableContactsUseCase } from '../usecases/expire-never-callable-contacts/expire-never-callable-contacts.usecase';
import { HousekeepBatchesUseCase } from '../usecases/housekeep-batches/housekeep-batches.usecase';
import { RecoverLostReleasesUseCase } from '../usecases/recover-lost-releases/recover-lost-releases.usecase';
import { ReleaseContactsUseCase } from '../usecases/release-contacts/release-contacts.usecase';

/** How many waiting contacts one housekeeping step ends (cancel, expiry), per batch and pass. */
const FINALIZE_CHUNK = 5000;
/** How many lost releases one pass ends. */
const LOST_RELEASES_PER_PASS = 100;

/**
 * Runs the scheduler's pass every SCHEDULER_TICK_MS (a runtime background task: started after
 * bootstrap, stopped before the consumers drain), and at once when a slot frees up (`kick`, from
 * the handlers): housekeeping (start, expiry, cancel drain, completion), the release of contacts,
 * the expiry of never-callable contacts the release found, the recovery of lost releases. One pass
 * at a time: a kick during a pass runs another right after it. A failed pass is logged and retried
 * on the next tick.
 */
@Injectable()
export class ReleaseLoop implements OnApplicationShutdown {
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private passes = 0;

  constructor(
    private readonly housekeepBatches: HousekeepBatchesUseCase,
    private readonly releaseContacts: ReleaseContactsUseCase,
    private readonly expireNeverCallable: ExpireNeverCallableContactsUseCase,
    private readonly recoverLostReleases: RecoverLostReleasesUseCase,
    @Inject(SERVICE_CONFIG) config: SchedulerEnv,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    tasks: BackgroundTasks,
  ) {
    tasks.every('release-pass', config.SCHEDULER_TICK_MS, () => this.run());
  }

  /** A pass now, or right after the one under way (a slot freed up, contacts arrived, a batch resumed). */
  kick(): void {
    void this.run();
  }

  /** Starts passes unless they are running (then one more follows); resolves when no pass is pending. Never rejects. */
  private run(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.pass();
        } catch (error) {
          this.logger.warn({ err: error }, 'release pass failed; retrying on the next tick');
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** One pass: its four steps in order. */
  private async pass(): Promise<void> {
    const pass = ++this.passes;
    await this.housekeepBatches.execute({ pass, finalize_chunk: FINALIZE_CHUNK });
    const { stranded } = await this.releaseContacts.execute({ pass });
    if (stranded.length > 0)
      await this.expireNeverCallable.execute({ batches: stranded, finalize_chunk: FINALIZE_CHUNK });
    await this.recoverLostReleases.execute({ pass, limit: LOST_RELEASES_PER_PASS });
  }

  async onApplicationShutdown(): Promise<void> {
    // The periodic task is stopped by the runtime; kicks from handlers still draining stop here.
    this.stopped = true;
    await this.running;
  }
}
