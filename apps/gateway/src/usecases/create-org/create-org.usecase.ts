import { Injectable } from '@nestjs/common';
import { ServiceError } from '@outdial/service-runtime';

import { OrgRow, orgSettingsEvent } from '../../domain/directory-events';
import { DirectoryUnitOfWork } from '../../persistence/directory-unit-of-work';
import { NewOrgLimits, OrgsRepository } from '../../persistence/orgs.repository';

/** A new org (admin CLI, bootstrap): id, name, and limits (the defaults for those not given). */
export interface CreateOrgCommand {
  org_id: string;
  name: string;
  limits?: NewOrgLimits;
}

/**
 * Creates an org at version 1 and announces its settings (OrgSettingsChangedEvent, outbox, same
 * transaction). Errors: 409 `conflict` when the id is taken (details `{field: 'org_id'}`).
 */
@Injectable()
export class CreateOrgUseCase {
  constructor(
    private readonly unitOfWork: DirectoryUnitOfWork,
    private readonly orgs: OrgsRepository,
  ) {}

  async execute(command: CreateOrgCommand): Promise<OrgRow> {
    return this.unitOfWork.run(async (client, events) => {
      const row = await this.orgs.insert(client, command.org_id, command.name, command.limits ?? {});
      if (!row) throw new ServiceError('conflict', `org ${command.org_id} already exists`, { field: 'org_id' });
      events.push(orgSettingsEvent(row));
      return row;
    });
  }
}
