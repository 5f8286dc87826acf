import { runService } from '@outdial/service-runtime';
import { gatewayService } from './gateway-service';

// SPEC §11 names the gateway's port GATEWAY_PORT.
if (process.env.GATEWAY_PORT && !process.env.HTTP_PORT) process.env.HTTP_PORT = process.env.GATEWAY_PORT;

runService(gatewayService());
