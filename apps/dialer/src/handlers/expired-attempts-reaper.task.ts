import { Inject, Injectable } from '@nestjs/common';
import { BackgroundTasks, SERVICE_CONFIG } from '@outdial/service-runtime';

import { DialerEnv } from '../dialer-env';
import { ReapExpiredAttemptsUseCase } from '../usecases/reap-expired-attempts/reap-expired-attempts.usecase';

/**
 * Runs the reaper every DIALER_REAPER_INTERVAL_MS while the service is up (a runtime background
 * task: started once after bootstrap, never overlapping itself, stopped before the consumers drain).
 */
@Injectable()
export class ExpiredAttemptsReaper {
  constructor(tasks: BackgroundTasks, reap: ReapExpiredAttemptsUseCase, @Inject(SERVICE_CONFIG) env: DialerEnv) {
    tasks.every('reap-expired-attempts', env.DIALER_REAPER_INTERVAL_MS, () => reap.execute());
  }
}
