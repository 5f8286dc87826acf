import { runService } from '@outdial/service-runtime';

import { dialerService } from './dialer-service';

runService(dialerService);
