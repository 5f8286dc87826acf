import { runService } from '@outdial/service-runtime';
import { GatewayEnv } from './gateway-env';
import { GatewayModule } from './gateway.module';
import { GATEWAY_MIGRATIONS } from './migrations';

// SPEC §11 names the gateway's port GATEWAY_PORT.
if (process.env.GATEWAY_PORT && !process.env.HTTP_PORT) process.env.HTTP_PORT = process.env.GATEWAY_PORT;

runService({ name: 'gateway', env: GatewayEnv, migrations: GATEWAY_MIGRATIONS, module: () => GatewayModule });
