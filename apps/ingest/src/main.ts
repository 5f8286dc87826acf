import { runService } from '@outdial/service-runtime';

import { ingestService } from './ingest-service';

runService(ingestService);
