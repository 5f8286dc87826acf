import { CreateBatchCommand } from '@outdial/contracts';

import { batchEstimates, batchRowValidator, checkedRegion, estimatedCost, validationOutcome } from './batch-validation';
import { resolveColumnLayout } from './column-layout';

const settings = { estimatedCallMinutes: 3, costPerMinute: 0.09 };
const command = (concurrency = 5) =>
  ({
    name: 'spring',
    settings: { default_region: 'US', invalid_phone_handling: 'skip', concurrency },
  }) as unknown as CreateBatchCommand;

describe('batch validation', () => {
  it('checks the default region (ISO code libphonenumber supports), upper-cased', () => {
    expect(checkedRegion('us')).toBe('US');
    expect(() => checkedRegion('XX')).toThrow(
      expect.objectContaining({ code: 'validation_failed', details: { field: 'default_region' } }),
    );
  });

  it('estimates cost (4 decimals) and duration at the batch concurrency (SPEC §8)', () => {
    expect(estimatedCost(7, settings)).toBe(1.89);
    expect(estimatedCost(1, { estimatedCallMinutes: 1, costPerMinute: 0.123456 })).toBe(0.1235);
    const validation = {
      total_rows: 7,
      valid_rows: 7,
      invalid_rows: 0,
      duplicate_rows: 0,
      empty_rows: 0,
      suppressed_rows: 0,
      issues: [],
    };
    expect(batchEstimates(command(5), validation, 7, settings)).toEqual({
      name: 'spring',
      validation,
      estimated_cost: 1.89,
      estimated_duration_seconds: 2 * 180,
    });
  });

  it('a file with no contact to store is unprocessable, with the counts; otherwise the report and the dialable count', () => {
    const validator = batchRowValidator(resolveColumnLayout(['phone']), command(), new Set(['+12025550101']));
    expect(() => validationOutcome(validator)).toThrow(
      expect.objectContaining({ code: 'unprocessable', message: expect.stringMatching(/no contact rows/) }),
    );
    validator.accept(['12'], 1);
    expect(() => validationOutcome(validator)).toThrow(
      expect.objectContaining({
        code: 'unprocessable',
        message: expect.stringMatching(/no contact with a valid phone/),
      }),
    );
    validator.accept(['+12025550100'], 2);
    validator.accept(['+12025550101'], 3);
    expect(validationOutcome(validator)).toMatchObject({
      total_rows: 3,
      valid_rows: 2,
      invalid_rows: 1,
      suppressed_rows: 1,
      dialable: 1,
      issues: [
        { row: 1, code: 'invalid_phone' },
        { row: 3, code: 'suppressed' },
      ],
    });
  });
});
