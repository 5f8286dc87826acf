import { runService } from '@outdial/service-runtime';

import { reportingService } from './reporting-service';

runService(reportingService);
