import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Logger, SERVICE_CONFIG, SERVICE_LOGGER } from '@outdial/service-runtime';
import { DialerEnv } from '../dialer-env';
import { PeriodicTask } from './periodic-task';
import { SettleHeldReportsUseCase } from '../usecases/settle-held-reports/settle-held-reports.usecase';

/** Releases held call reports whose AMD verdict wait is over, every DIALER_REAPER_INTERVAL_MS. */
@Injectable()
export class HeldReportsSettler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(settle: SettleHeldReportsUseCase, @Inject(SERVICE_CONFIG) env: DialerEnv, @Inject(SERVICE_LOGGER) logger: Logger) {
    this.task = new PeriodicTask('settle-held-reports', env.DIALER_REAPER_INTERVAL_MS, () => settle.execute(), logger.child({ component: 'settle-held-reports' }));
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }
}
