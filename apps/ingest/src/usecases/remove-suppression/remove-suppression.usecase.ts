import { Injectable } from '@nestjs/common';
import { SuppressionRemoveCommand, SuppressionRemoveResult } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';

import { checkedRegion } from '../../domain/batch-validation';
import { normalizePhone } from '../../domain/phone-normalizer';
import { SuppressionRepository } from '../../persistence/suppression.repository';

/**
 * Takes a number off the org's do-not-call list (normalized to E.164 with the command's region).
 * Fails with `validation_failed` (region or number) or `not_found` (not on the list).
 */
@Injectable()
export class RemoveSuppressionUseCase {
  constructor(private readonly suppression: SuppressionRepository) {}

  async execute(command: SuppressionRemoveCommand): Promise<SuppressionRemoveResult> {
    const phone = normalizePhone(command.phone, checkedRegion(command.default_region));
    if (!phone.ok)
      throw new ServiceError('validation_failed', `${phone.reason}: "${command.phone}"`, { field: 'phone' });
    if (!(await this.suppression.remove(command.org_id, phone.e164)))
      throw new ServiceError('not_found', `${phone.e164} is not on the suppression list`);
    return { phone: phone.e164, removed: true };
  }
}
