import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Logger, SERVICE_CONFIG, SERVICE_LOGGER } from '@outdial/service-runtime';
import { DialerEnv } from '../dialer-env';
import { PeriodicTask } from './periodic-task';
import { ReapExpiredAttemptsUseCase } from '../usecases/reap-expired-attempts/reap-expired-attempts.usecase';

/** Runs the reaper every DIALER_REAPER_INTERVAL_MS while the service is up. */
@Injectable()
export class ExpiredAttemptsReaper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(reap: ReapExpiredAttemptsUseCase, @Inject(SERVICE_CONFIG) env: DialerEnv, @Inject(SERVICE_LOGGER) logger: Logger) {
    this.task = new PeriodicTask('reap-expired-attempts', env.DIALER_REAPER_INTERVAL_MS, () => reap.execute(), logger.child({ component: 'reaper' }));
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }
}
