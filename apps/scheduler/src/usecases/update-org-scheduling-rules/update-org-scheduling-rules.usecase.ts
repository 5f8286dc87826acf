import { Injectable } from '@nestjs/common';
import { OrgSettingsChangedEvent } from '@outdial/contracts';

import { OrgSettingsRepository } from '../../persistence/org-settings.repository';

/**
 * The gateway published an org's settings (`v1.org.settings_changed`): the scheduler keeps what it
 * schedules by (`max_concurrent_calls`, the compliance guard of calling windows, the circuit-breaker
 * rule). The highest `version` wins; an older or repeated event changes nothing.
 */
@Injectable()
export class UpdateOrgSchedulingRulesUseCase {
  constructor(private readonly orgs: OrgSettingsRepository) {}

  async execute(event: OrgSettingsChangedEvent): Promise<void> {
    await this.orgs.apply(event);
  }
}
