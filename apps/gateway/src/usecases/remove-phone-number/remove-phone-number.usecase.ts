import { Injectable } from '@nestjs/common';

import { PhoneNumbersRepository } from '../../persistence/phone-numbers.repository';

/** `DELETE /api/phone-numbers/{number}` (owner, admin) and the CLI's `remove-number`. */
export interface RemovePhoneNumberCommand {
  org_id: string;
  e164: string;
}

/** Removes a caller number of the org (batches already created keep theirs). Errors: 404 `not_found`. */
@Injectable()
export class RemovePhoneNumberUseCase {
  constructor(private readonly numbers: PhoneNumbersRepository) {}

  async execute(command: RemovePhoneNumberCommand): Promise<void> {
    await this.numbers.delete(command.org_id, command.e164);
  }
}
