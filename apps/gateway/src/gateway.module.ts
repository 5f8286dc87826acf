import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthGuard } from './handlers/auth/auth.guard';
import { BatchCallsController } from './handlers/batch-calls.controller';
import { BatchSettingsController } from './handlers/batch-settings.controller';
import { BatchRedialController } from './handlers/batch-redial.controller';
import { RedialBatchUseCase } from './usecases/redial-batch/redial-batch.usecase';
import { BatchLifecycleModule } from './handlers/batch-lifecycle.module';
import { CreateBatchUseCase } from './usecases/create-batch-call/create-batch-call.usecase';
import { IdempotencyStore } from './domain/request-fingerprint';
import { UploadIntake } from './adapters/uploads/upload-intake';
import { SuppressionModule } from './handlers/suppression.controller';
import { ErrorBodyFilter } from './handlers/http/error-body.filter';
import { RateLimitInterceptor } from './handlers/http/rate-limit.interceptor';
import { DirectoryModule } from './handlers/directory.module';
import { BolnaCompatController, TrilletCompatController } from './handlers/compat.controller';
import { BatchReportsModule } from './handlers/batch-reports.module';
import { ProviderEventsModule } from './handlers/provider-events.module';
import { ReadYourWritesModule } from './handlers/read-your-writes.module';

@Module({
  imports: [ReadYourWritesModule, BatchLifecycleModule, DirectoryModule, SuppressionModule, BatchReportsModule, ProviderEventsModule],
  controllers: [BatchCallsController, BatchRedialController, BatchSettingsController, BolnaCompatController, TrilletCompatController],
  providers: [CreateBatchUseCase, RedialBatchUseCase, UploadIntake, IdempotencyStore, { provide: APP_GUARD, useClass: AuthGuard }, { provide: APP_FILTER, useClass: ErrorBodyFilter }, { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor }],
})
export class GatewayModule {}
