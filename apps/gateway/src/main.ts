import { runService } from '@outdial/service-runtime';

import { withGatewayPort } from './gateway-env';
import { gatewayService } from './gateway-service';

runService(gatewayService(), { env: withGatewayPort(process.env) });
