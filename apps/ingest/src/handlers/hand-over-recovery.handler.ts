import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Logger, SERVICE_LOGGER } from '@outdial/service-runtime';

import { ResumeHandOversUseCase } from '../usecases/resume-hand-overs/resume-hand-overs.usecase';

/**
 * Once the service is up, resumes the hand-overs an earlier process left unfinished (in the
 * background: start-up does not wait for it).
 */
@Injectable()
export class HandOverRecoveryHandler implements OnApplicationBootstrap {
  constructor(
    private readonly resumeHandOvers: ResumeHandOversUseCase,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    void this.resumeHandOvers
      .execute()
      .catch((error) => this.logger.error({ err: error }, 'resuming hand-overs failed'));
  }
}
