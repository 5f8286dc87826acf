import { Module } from '@nestjs/common';
import { DirectoryReconciler } from './directory-reconciler';
import { AgentsController, OrgController, PhoneNumbersController, TokensController } from './directory.controller';

/** The directory's routes (agents, caller numbers, tokens, org) and the start-up republication. */
@Module({
  controllers: [AgentsController, PhoneNumbersController, TokensController, OrgController],
  providers: [DirectoryReconciler],
})
export class DirectoryModule {}
