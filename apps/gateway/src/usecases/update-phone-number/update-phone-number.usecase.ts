import { Injectable } from '@nestjs/common';

import { PhoneNumberRow, PhoneNumbersRepository } from '../../persistence/phone-numbers.repository';

/** `PATCH /api/phone-numbers/{number}` (owner, admin) and the CLI's `set-number`: what is given changes. */
export interface UpdatePhoneNumberCommand {
  org_id: string;
  e164: string;
  outbound_enabled?: boolean;
  provider?: string;
}

/** Enables/disables outbound calls from a caller number or changes its provider. Errors: 404 `not_found`. */
@Injectable()
export class UpdatePhoneNumberUseCase {
  constructor(private readonly numbers: PhoneNumbersRepository) {}

  async execute(command: UpdatePhoneNumberCommand): Promise<PhoneNumberRow> {
    return this.numbers.update(command.org_id, command.e164, {
      outbound_enabled: command.outbound_enabled,
      provider: command.provider,
    });
  }
}
