import { Inject, Injectable } from '@nestjs/common';
import { BackgroundTasks, SERVICE_CONFIG } from '@outdial/service-runtime';

import { DialerEnv } from '../dialer-env';
import { SettleHeldReportsUseCase } from '../usecases/settle-held-reports/settle-held-reports.usecase';

/**
 * Releases held call reports whose AMD verdict wait is over, every DIALER_REAPER_INTERVAL_MS (a
 * runtime background task: started once after bootstrap, never overlapping itself, stopped before
 * the consumers drain).
 */
@Injectable()
export class HeldReportsSettler {
  constructor(tasks: BackgroundTasks, settle: SettleHeldReportsUseCase, @Inject(SERVICE_CONFIG) env: DialerEnv) {
    tasks.every('settle-held-reports', env.DIALER_REAPER_INTERVAL_MS, () => settle.execute());
  }
}
