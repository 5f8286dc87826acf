import { Inject, Injectable } from '@nestjs/common';
import { BATCH_LIMITS } from '@outdial/contracts';
import { Clock, Logger, SERVICE_CONFIG, SERVICE_LOGGER } from '@outdial/service-runtime';

import { ContactsRepository } from '../../persistence/contacts.repository';
import { SchedulerEnv } from '../../scheduler-env';
import { RecordCallOutcomeUseCase } from '../record-call-outcome/record-call-outcome.usecase';
import { RecoverLostReleasesCommand } from './recover-lost-releases.command';

/** The smallest call timeout a batch may have: every lost release is at least this old (s). */
const MIN_CALL_TIMEOUT_SECONDS = BATCH_LIMITS.timeoutPerCallSeconds.min;

/**
 * A released contact whose attempt never reported back (past its batch's call timeout plus
 * SCHEDULER_RELEASE_GRACE_SECONDS) is ended `timeout` through the ordinary attempt-result path
 * (RecordCallOutcomeUseCase: retry policy, counters, completion), so a batch can never stay
 * "running" forever. Returns how many were ended.
 */
@Injectable()
export class RecoverLostReleasesUseCase {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly recordOutcome: RecordCallOutcomeUseCase,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: SchedulerEnv,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async execute(command: RecoverLostReleasesCommand): Promise<number> {
    const lost = await this.contacts.lostReleases(
      this.clock.now(),
      this.config.SCHEDULER_RELEASE_GRACE_SECONDS,
      MIN_CALL_TIMEOUT_SECONDS,
      command.limit,
    );
    for (const contact of lost) {
      this.logger.warn(
        { pass: command.pass, batch_id: contact.batch_id, contact_id: contact.contact_id, attempt: contact.attempts },
        'release never reported back; ending it as timeout',
      );
    }
    if (lost.length === 0) return 0;
    // One group: one transaction for every lost release of this pass (one by one only if it fails).
    const settled = await this.recordOutcome.execute({
      results: lost.map((contact) => ({
        batch_id: contact.batch_id,
        contact_id: contact.contact_id,
        attempt: contact.attempts,
        outcome: 'timeout' as const,
      })),
    });
    settled.forEach((s, i) => {
      if (s.kind === 'error')
        this.logger.warn(
          { pass: command.pass, contact_id: lost[i].contact_id, reason: (s.error as Error).message },
          'lost release not ended; retrying on the next pass',
        );
    });
    return lost.length;
  }
}
