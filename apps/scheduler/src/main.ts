import { runService } from '@outdial/service-runtime';
import { SCHEDULER_MIGRATIONS } from './migrations';
import { SchedulerEnv } from './scheduler-env';
import { SchedulerModule } from './scheduler.module';

runService({ name: 'scheduler', env: SchedulerEnv, migrations: SCHEDULER_MIGRATIONS, module: () => SchedulerModule });
