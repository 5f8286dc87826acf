import 'reflect-metadata';
import { startService } from '@outdial/service-runtime';
import { reportingService } from './reporting-service';

startService(reportingService).catch((error: unknown) => {
  process.stderr.write(`reporting: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
