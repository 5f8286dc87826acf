import { CreateBatchCommand, ValidateBatchResult, ValidationReport } from '@outdial/contracts';

import { ColumnLayout } from './column-layout';
import { ContactRowValidator, REPORTED_ISSUES } from './contact-row';
import { IngestRefusal } from './ingest-refusal';
import { isSupportedRegion } from './phone-normalizer';

/** A validation report and the number of dialable contacts it counted (pending, not suppressed). */
export type ValidationOutcome = ValidationReport & { dialable: number };

/** What a create or a dry run assumes about calls to estimate cost and duration (SPEC §8). */
export interface CallEstimateSettings {
  /** `ESTIMATED_CALL_MINUTES`: average call length, minutes. */
  estimatedCallMinutes: number;
  /** `COST_PER_MINUTE`: cost of one minute of call, in the account's currency. */
  costPerMinute: number;
}

/**
 * The `default_region` of a command, upper-cased; throws `IngestRefusal('validation_failed')` with
 * `{ field: 'default_region' }` when it is not an ISO country code libphonenumber supports.
 */
export function checkedRegion(region: string): string {
  if (!isSupportedRegion(region)) {
    throw new IngestRefusal('validation_failed', `default_region "${region}" is not a supported ISO country code`, {
      field: 'default_region',
    });
  }
  return region.toUpperCase();
}

/**
 * The report of a validated file, or the error a file without any contact to store gets (create and
 * dry run alike): `IngestRefusal('unprocessable')` with the counts and the first `REPORTED_ISSUES` issues.
 */
export function validationOutcome(validator: ContactRowValidator): ValidationOutcome {
  const counts = validator.counts;
  const stored = validator.stored;
  const issues = validator.issues.slice(0, REPORTED_ISSUES);
  if (stored === 0) {
    const message =
      counts.total_rows === 0
        ? 'the file has no contact rows (only a header, or empty rows)'
        : 'the file has no contact with a valid phone number';
    throw new IngestRefusal('unprocessable', message, { validation: { ...counts, issues } });
  }
  return { ...counts, issues, dialable: validator.dialable };
}

/** Estimated cost of dialing `dialable` contacts once, rounded to 4 decimals (SPEC §8). */
export function estimatedCost(dialable: number, settings: CallEstimateSettings): number {
  return round4(dialable * settings.estimatedCallMinutes * settings.costPerMinute);
}

/**
 * The answer of a dry run (and the estimate part of a create's): cost, and duration in seconds at
 * the batch's concurrency with calls of the assumed length.
 */
export function batchEstimates(
  command: CreateBatchCommand,
  validation: ValidationReport,
  dialable: number,
  settings: CallEstimateSettings,
): ValidateBatchResult {
  const averageCallSeconds = settings.estimatedCallMinutes * 60;
  return {
    name: command.name,
    validation,
    estimated_cost: estimatedCost(dialable, settings),
    estimated_duration_seconds: Math.ceil(dialable / command.settings.concurrency) * averageCallSeconds,
  };
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

/**
 * The row validator of a batch upload (SPEC §2): the file's column layout, the batch's region and
 * invalid-number handling, and the org's suppression list (E.164 numbers).
 */
export function batchRowValidator(
  layout: ColumnLayout,
  command: CreateBatchCommand,
  suppressed: Set<string>,
): ContactRowValidator {
  return new ContactRowValidator(layout, {
    defaultRegion: command.settings.default_region,
    invalidPhoneHandling: command.settings.invalid_phone_handling,
    isSuppressed: (phone) => suppressed.has(phone),
  });
}
