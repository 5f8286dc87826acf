import { Module } from '@nestjs/common';

import { ProgressFeed } from '../adapters/progress-feed';
import { BatchReportsController } from './batch-reports.controller';
import { ProgressSocketServer } from './progress-socket.server';
import { SystemStatusController } from './system-status.controller';
import { WebhooksController } from './webhooks.controller';

/** Reading batches: lists, reports, live progress (SSE, WebSocket), webhooks, system status. */
@Module({
  controllers: [BatchReportsController, SystemStatusController, WebhooksController],
  providers: [ProgressFeed, ProgressSocketServer],
})
export class BatchReportsModule {}
