import { Injectable } from '@nestjs/common';
import { ServiceError } from '@outdial/service-runtime';

import { DirectoryUnitOfWork } from '../../persistence/directory-unit-of-work';
import { OrgsRepository } from '../../persistence/orgs.repository';
import { PhoneNumberRow, PhoneNumbersRepository } from '../../persistence/phone-numbers.repository';

/** `POST /api/phone-numbers` (owner, admin), the CLI's `add-number`, the bootstrap's demo number. */
export interface AddPhoneNumberCommand {
  org_id: string;
  /** E.164, already checked by the caller's DTO. */
  e164: string;
  outbound_enabled: boolean;
  provider: string;
}

/**
 * Registers a caller number (org row locked). A caller number belongs to one org: it identifies
 * the caller to the people called. Errors: 404 `not_found` (org), 409 `conflict` when any org
 * has it (details `{field: 'number'}`).
 */
@Injectable()
export class AddPhoneNumberUseCase {
  constructor(
    private readonly unitOfWork: DirectoryUnitOfWork,
    private readonly orgs: OrgsRepository,
    private readonly numbers: PhoneNumbersRepository,
  ) {}

  async execute(command: AddPhoneNumberCommand): Promise<PhoneNumberRow> {
    return this.unitOfWork.run(async (client) => {
      await this.orgs.lock(client, command.org_id);
      if ((await this.numbers.ownerOf(client, command.e164)) !== undefined)
        throw new ServiceError('conflict', `${command.e164} is already registered`, { field: 'number' });
      return this.numbers.insert(client, command.org_id, command.e164, command.outbound_enabled, command.provider);
    });
  }
}
