import { Module } from '@nestjs/common';

import { AgentsController, OrgController, PhoneNumbersController, TokensController } from './directory.controller';
import { DirectoryReconciler } from './directory-reconciler';

/** The directory's routes (agents, caller numbers, tokens, org) and the start-up republication. */
@Module({
  controllers: [AgentsController, PhoneNumbersController, TokensController, OrgController],
  providers: [DirectoryReconciler],
})
export class DirectoryModule {}
