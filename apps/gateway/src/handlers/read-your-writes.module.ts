import { Global, Module } from '@nestjs/common';
import { ReadModelBarrier } from '../adapters/read-model-barrier';

/** Provides the read-your-writes barrier to every gateway module that acknowledges batch writes. */
@Global()
@Module({ providers: [ReadModelBarrier], exports: [ReadModelBarrier] })
export class ReadYourWritesModule {}
