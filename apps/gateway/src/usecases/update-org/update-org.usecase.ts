import { Injectable } from '@nestjs/common';
import { CircuitBreakerSettings } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';

import { circuitBreakerOf, OrgRow, orgSettingsEvent } from '../../domain/directory-events';
import { DirectoryUnitOfWork } from '../../persistence/directory-unit-of-work';
import { OrgSettingsRow, OrgsRepository } from '../../persistence/orgs.repository';

export interface OrgChanges {
  name?: string;
  max_concurrent_calls?: number;
  calls_per_second?: number;
  compliance_guard?: boolean;
  /** Merged over the org's current auto-pause rule. */
  circuit_breaker?: Partial<CircuitBreakerSettings>;
}

/** `PATCH /api/org` (owner) and the CLI's `set-limits`: the org and the settings to change. */
export interface UpdateOrgCommand {
  org_id: string;
  changes: OrgChanges;
}

/**
 * Applies the changes that differ from the stored values, bumps the org's version and announces
 * it (OrgSettingsChangedEvent, outbox, same transaction, org row locked); an unchanged org keeps
 * its version and publishes nothing. Errors: 404 `not_found`.
 */
@Injectable()
export class UpdateOrgUseCase {
  constructor(
    private readonly unitOfWork: DirectoryUnitOfWork,
    private readonly orgs: OrgsRepository,
  ) {}

  async execute(command: UpdateOrgCommand): Promise<OrgRow> {
    const { org_id: orgId, changes } = command;
    return this.unitOfWork.run(async (client, events) => {
      const before = await this.orgs.selectForUpdate(client, orgId);
      if (!before) throw new ServiceError('not_found', `org ${orgId} not found`);
      const next: OrgSettingsRow = {
        name: changes.name ?? before.name,
        max_concurrent_calls: changes.max_concurrent_calls ?? before.max_concurrent_calls,
        calls_per_second: changes.calls_per_second ?? Number(before.calls_per_second),
        compliance_guard: changes.compliance_guard ?? before.compliance_guard,
        circuit_breaker: { ...circuitBreakerOf(before), ...(changes.circuit_breaker ?? {}) },
      };
      const changed =
        next.name !== before.name ||
        next.max_concurrent_calls !== before.max_concurrent_calls ||
        next.calls_per_second !== Number(before.calls_per_second) ||
        next.compliance_guard !== before.compliance_guard ||
        JSON.stringify(next.circuit_breaker) !== JSON.stringify(circuitBreakerOf(before));
      if (!changed) return before;
      const updated = await this.orgs.update(client, orgId, next);
      events.push(orgSettingsEvent(updated));
      return updated;
    });
  }
}
