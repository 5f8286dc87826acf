import type { ServiceDefinition } from '@outdial/service-runtime';

import { migrations } from './persistence/migrations';
import { ReportingModule } from './reporting.module';
import { ReportingEnv } from './reporting-env';

/** The reporting service as `startService` boots it (main.ts, and the integration test with its own clock). */
export const reportingService: ServiceDefinition<ReportingEnv> = {
  name: 'reporting',
  env: ReportingEnv,
  migrations,
  module: () => ReportingModule,
  // Up to 6 consumers x 8 handlers each hold a connection for their transaction.
  poolSize: 20,
};
