import { ServiceDefinition } from '@outdial/service-runtime';
import { GatewayEnv } from './gateway-env';
import { GatewayModule } from './gateway.module';
import { GATEWAY_MIGRATIONS } from './persistence/migrations';
import { setupOpenApi } from './adapters/openapi/openapi';
import { serveConsole } from './adapters/console/serve-console';

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
