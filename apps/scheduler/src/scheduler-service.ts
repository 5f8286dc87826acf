import { ServiceDefinition } from '@outdial/service-runtime';

import { SCHEDULER_MIGRATIONS } from './persistence/migrations';
import { SchedulerModule } from './scheduler.module';
import { SchedulerEnv } from './scheduler-env';

/** How the scheduler boots (main.ts and the integration tests use the same definition). */
export const schedulerService: ServiceDefinition<SchedulerEnv> = {
  name: 'scheduler',
  env: SchedulerEnv,
  migrations: SCHEDULER_MIGRATIONS,
  module: () => SchedulerModule,
};
