import { Module } from '@nestjs/common';

import { ProviderEventsController } from './provider-events.controller';

/** POST /api/provider-events/{provider}: signed provider callbacks in, provider events out. */
@Module({ controllers: [ProviderEventsController] })
export class ProviderEventsModule {}
