import { ServiceError } from '@outdial/service-runtime';

import { parseRedialBody } from './redial-body';

describe('redial body (SPEC §4 "Redial")', () => {
  it('the body needs known statuses and takes no contacts of its own', () => {
    expect(parseRedialBody({ statuses: ['busy', 'busy', 'failed'], concurrency: 2 })).toEqual({
      statuses: ['busy', 'failed'],
      overrides: { concurrency: 2 },
    });
    for (const body of [
      {},
      { statuses: [] },
      { statuses: ['bogus'] },
      { statuses: ['busy'], calls: [] },
      { statuses: ['busy'], column_mapping: {} },
    ]) {
      expect(() => parseRedialBody(body)).toThrow(ServiceError);
    }
  });
});
