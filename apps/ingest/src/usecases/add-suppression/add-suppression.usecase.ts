import { Injectable } from '@nestjs/common';
import { RowIssue, SuppressionAddCommand, SuppressionAddResult } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';

import { checkedRegion } from '../../domain/batch-validation';
import { REPORTED_ISSUES } from '../../domain/contact-row';
import { normalizePhone } from '../../domain/phone-normalizer';
import { SuppressionRepository } from '../../persistence/suppression.repository';

/**
 * Adds numbers to the org's do-not-call list (SPEC §2). Ingest owns the list because it consults it
 * on every upload: contacts on it are stored `suppressed` and never dialed. Numbers are normalized
 * to E.164 with the command's region; adding one already listed is not an error (idempotent).
 * Fails with `validation_failed` for an unsupported region or when no number is valid.
 */
@Injectable()
export class AddSuppressionUseCase {
  constructor(private readonly suppression: SuppressionRepository) {}

  async execute(command: SuppressionAddCommand): Promise<SuppressionAddResult> {
    const region = checkedRegion(command.default_region);
    const numbers: (string | null)[] = [];
    const issues: RowIssue[] = [];
    command.numbers.forEach((raw, index) => {
      const phone = normalizePhone(raw, region);
      numbers.push(phone.ok ? phone.e164 : null);
      if (!phone.ok)
        issues.push({ row: index + 1, phone: raw, code: 'invalid_phone', message: `${phone.reason}: "${raw}"` });
    });
    if (issues.length === command.numbers.length) {
      throw new ServiceError(
        'validation_failed',
        command.numbers.length === 0 ? 'give at least one phone number' : 'no valid phone number given',
        { issues: issues.slice(0, REPORTED_ISSUES) },
      );
    }
    const valid = [...new Set(numbers.filter((n): n is string => n !== null))];
    const added = await this.suppression.addMany(command.org_id, valid, command.reason ?? null);
    return {
      added,
      already_present: valid.length - added,
      invalid: issues.length,
      numbers,
      issues: issues.slice(0, REPORTED_ISSUES),
    };
  }
}
