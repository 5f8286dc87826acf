import { Module } from '@nestjs/common';
import { DirectoryModule } from './directory.module';
import { ProviderEventsController } from './provider-events.controller';

/** POST /api/provider-events/{provider}: signed provider callbacks in, provider events out. */
@Module({ imports: [DirectoryModule], controllers: [ProviderEventsController] })
export class ProviderEventsModule {}
