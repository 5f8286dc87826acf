import { ServiceError } from '@outdial/service-runtime';

import { batchSettingsOf, defaultBatchName, toUtcIso } from './batch-settings';

describe('batch settings of a create request (SPEC §3)', () => {
  it('defaults the zone to UTC and keeps only what was given', () => {
    const settings = batchSettingsOf({});
    expect(settings.timezone).toBe('UTC');
    expect(settings.scheduled_start_time).toBeUndefined();
  });

  it('reads times without an offset in the batch zone and stores them in UTC; upper-cases the region', () => {
    const settings = batchSettingsOf({
      timezone: 'America/New_York',
      scheduled_start_time: '2030-01-15T09:00:00',
      end_time: '2030-01-15T17:00:00-05:00',
      default_region: 'us',
    });
    expect(settings.scheduled_start_time).toBe('2030-01-15T14:00:00.000Z');
    expect(settings.end_time).toBe('2030-01-15T22:00:00.000Z');
    expect(settings.default_region).toBe('US');
  });

  it('refuses an unknown zone and an unreadable time, naming the field', () => {
    expect(() => batchSettingsOf({ timezone: 'Mars/Olympus' })).toThrow(ServiceError);
    try {
      toUtcIso('not a time', 'UTC', 'end_time');
      throw new Error('accepted');
    } catch (error) {
      expect(error).toMatchObject({
        code: 'validation_failed',
        details: [{ field: 'end_time', problems: ['must be ISO 8601'] }],
      });
    }
  });

  it('names a batch after its file without the extension', () => {
    expect(defaultBatchName('leads.march.csv')).toBe('leads.march');
    expect(defaultBatchName('.csv')).toBe('Untitled batch');
  });
});
