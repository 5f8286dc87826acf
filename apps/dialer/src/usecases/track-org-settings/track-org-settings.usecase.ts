import { Inject, Injectable } from '@nestjs/common';
import { OrgSettingsChangedEvent } from '@outdial/contracts';
import { Clock, Database, Logger, SERVICE_LOGGER } from '@outdial/service-runtime';

import { OrgBudgetsRepository } from '../../persistence/org-budgets.repository';

/**
 * Keeps the dialer's copy of an org's limits (`v1.org.settings_changed`, owned by the gateway):
 * `max_concurrent_calls`, `calls_per_second`, `compliance_guard`. The highest `version` wins, so
 * redeliveries and replays of the stream are harmless; a lower rate empties the bucket to its new
 * size at once (OrgBudgetsRepository.applySettings). Before any announcement admission uses
 * ORG_LIMIT_DEFAULTS.
 */
@Injectable()
export class TrackOrgSettingsUseCase {
  private readonly log: Logger;

  constructor(
    private readonly db: Database,
    private readonly budgets: OrgBudgetsRepository,
    private readonly clock: Clock,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'org-state' });
  }

  /** Returns whether the event was applied (false: an equal or higher version was applied before). */
  async execute(event: OrgSettingsChangedEvent): Promise<boolean> {
    const applied = await this.db.tx((client) => this.budgets.applySettings(client, event, this.clock.now()));
    this.log.info(
      {
        org_id: event.org_id,
        version: event.version,
        applied,
        max_concurrent_calls: event.max_concurrent_calls,
        calls_per_second: event.calls_per_second,
      },
      'org limits',
    );
    return applied;
  }
}
