import { ServiceDefinition } from '@outdial/service-runtime';

import { DialerModule } from './dialer.module';
import { DialerEnv } from './dialer-env';
import { DIALER_MIGRATIONS } from './persistence/migrations';

/** How the dialer boots (main.ts and the integration test use the same definition). */
export const dialerService: ServiceDefinition<DialerEnv> = {
  name: 'dialer',
  env: DialerEnv,
  migrations: DIALER_MIGRATIONS,
  module: () => DialerModule,
  // Up to 16 dial requests and 16 provider events at once, plus the reaper, sweeper and outbox.
  poolSize: 20,
};
