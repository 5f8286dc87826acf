import { Module } from '@nestjs/common';

import { SuppressionController } from './suppression.controller';

/** The org's do-not-call list (ingest owns it; the gateway checks roles and shapes requests). */
@Module({ controllers: [SuppressionController] })
export class SuppressionModule {}
