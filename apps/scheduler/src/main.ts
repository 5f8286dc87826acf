import { runService } from '@outdial/service-runtime';

import { schedulerService } from './scheduler-service';

runService(schedulerService);
