import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Logger, SERVICE_LOGGER } from '@outdial/service-runtime';

import { RepublishDirectoryUseCase } from '../usecases/republish-directory/republish-directory.usecase';

/**
 * At start, the gateway writes every org's settings and every agent to the outbox again, so
 * consumers converge even on changes made while no gateway ran (e.g. by the admin CLI).
 */
@Injectable()
export class DirectoryReconciler implements OnApplicationBootstrap {
  constructor(
    private readonly republish: RepublishDirectoryUseCase,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  private done = false;

  async onApplicationBootstrap(): Promise<void> {
    // Nest runs bootstrap hooks for the HTTP app and again for the connected microservice.
    if (this.done) return;
    this.done = true;
    const count = await this.republish.execute();
    this.logger.info({ events: count }, 'directory republished (org settings and agents)');
  }
}
