import { ServiceDefinition } from '@outdial/service-runtime';

import { IngestModule } from './ingest.module';
import { IngestEnv } from './ingest-env';
import { INGEST_MIGRATIONS } from './persistence/migrations';

/** The ingest service as `runService`/`startService` take it (also started in-process by tests). */
export const ingestService: ServiceDefinition<IngestEnv> = {
  name: 'ingest',
  env: IngestEnv,
  migrations: INGEST_MIGRATIONS,
  module: () => IngestModule,
  poolSize: 8,
};
