import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth/auth.guard';
import { BatchCallsController } from './batch-calls/batch-calls.controller';
import { CreateBatchUseCase } from './batch-calls/create-batch.usecase';
import { ErrorBodyFilter } from './http/error-body.filter';

@Module({
  controllers: [BatchCallsController],
  providers: [CreateBatchUseCase, { provide: APP_GUARD, useClass: AuthGuard }, { provide: APP_FILTER, useClass: ErrorBodyFilter }],
})
export class GatewayModule {}
