import { Module } from '@nestjs/common';

import { BatchLifecycleController } from './batch-lifecycle.controller';

@Module({ controllers: [BatchLifecycleController] })
export class BatchLifecycleModule {}
