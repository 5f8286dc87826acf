import { startService } from '@outdial/service-runtime';
import { dialerService } from './dialer-service';

startService(dialerService).catch((error) => {
  process.stderr.write(`dialer failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
