import { ServiceError } from '@outdial/service-runtime';

import { REDIAL_STATUSES } from '../../domain/redial-rules';

/** Splits a redial body into its `statuses` and the create settings that override the original's. */
export function parseRedialBody(body: Record<string, unknown>): {
  statuses: string[];
  overrides: Record<string, unknown>;
} {
  const { statuses, ...overrides } = body;
  if (!Array.isArray(statuses) || statuses.length === 0 || statuses.some((s) => typeof s !== 'string')) {
    throw new ServiceError(
      'validation_failed',
      'statuses must be a non-empty list of final contact statuses or outcomes',
      [{ field: 'statuses', problems: ['must be a non-empty array of strings'] }],
    );
  }
  const unknown = statuses.filter((s) => !REDIAL_STATUSES.includes(s));
  if (unknown.length > 0) {
    throw new ServiceError(
      'validation_failed',
      `statuses ${unknown.join(', ')} are not final contact statuses or outcomes`,
      [{ field: 'statuses', problems: [`each one of ${REDIAL_STATUSES.join(', ')}`] }],
    );
  }
  if ('column_mapping' in overrides || 'calls' in overrides || 'file_url' in overrides) {
    throw new ServiceError(
      'validation_failed',
      'a redial takes its contacts from the original batch: no calls, file_url or column_mapping',
      [{ field: 'calls', problems: ['not allowed'] }],
    );
  }
  return { statuses: [...new Set(statuses as string[])], overrides };
}
