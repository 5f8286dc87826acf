import { ServiceDefinition } from '@outdial/service-runtime';

import { serveConsole } from './adapters/console/serve-console';
import { setupOpenApi } from './adapters/openapi/openapi';
import { GatewayModule } from './gateway.module';
import { GatewayEnv } from './gateway-env';
import { GATEWAY_MIGRATIONS } from './persistence/migrations';

/** The gateway as a service definition: used by main.ts and by the integration tests. */
export function gatewayService(): ServiceDefinition<GatewayEnv> {
  return {
    name: 'gateway',
    env: GatewayEnv,
    migrations: GATEWAY_MIGRATIONS,
    module: () => GatewayModule,
    configure: (app) => {
      setupOpenApi(app);
      serveConsole(app);
    },
  };
}
