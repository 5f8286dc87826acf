import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthGuard } from './auth/auth.guard';
import { BatchCallsController } from './batch-calls/batch-calls.controller';
import { BatchSettingsController } from './batch-settings/batch-settings.controller';
import { BatchRedialController } from './batch-redial/batch-redial.controller';
import { RedialBatchUseCase } from './batch-redial/redial-batch.usecase';
import { BatchLifecycleModule } from './batch-lifecycle/batch-lifecycle.module';
import { CreateBatchUseCase } from './batch-calls/create-batch.usecase';
import { IdempotencyStore } from './batch-calls/idempotency';
import { UploadIntake } from './batch-calls/upload-intake';
import { SuppressionModule } from './suppression/suppression.controller';
import { ErrorBodyFilter } from './http/error-body.filter';
import { RateLimitInterceptor } from './http/rate-limit.interceptor';
import { DirectoryModule } from './directory/directory.module';
import { BolnaCompatController, TrilletCompatController } from './compat/compat.controller';
import { BatchReportsModule } from './batch-reports/batch-reports.module';
import { ProviderEventsModule } from './provider-events/provider-events.module';
import { ReadYourWritesModule } from './read-your-writes/read-your-writes.module';

@Module({
  imports: [ReadYourWritesModule, BatchLifecycleModule, DirectoryModule, SuppressionModule, BatchReportsModule, ProviderEventsModule],
  controllers: [BatchCallsController, BatchRedialController, BatchSettingsController, BolnaCompatController, TrilletCompatController],
  providers: [CreateBatchUseCase, RedialBatchUseCase, UploadIntake, IdempotencyStore, { provide: APP_GUARD, useClass: AuthGuard }, { provide: APP_FILTER, useClass: ErrorBodyFilter }, { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor }],
})
export class GatewayModule {}
