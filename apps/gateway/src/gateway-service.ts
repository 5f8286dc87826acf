import { ServiceDefinition } from '@outdial/service-runtime';
import { GatewayEnv } from './gateway-env';
import { GatewayModule } from './gateway.module';
import { GATEWAY_MIGRATIONS } from './migrations';
import { setupOpenApi } from './openapi/openapi';
import { serveConsole } from './console/serve-console';

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
