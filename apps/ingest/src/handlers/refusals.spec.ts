import { ServiceError } from '@outdial/service-runtime';

import { IngestRefusal } from '../domain/ingest-refusal';
import { refusalAsServiceError } from './refusals';

describe('refusalAsServiceError', () => {
  it('turns a domain refusal into a ServiceError with the same code, message and details', () => {
    const refusal = new IngestRefusal('too_many_rows', 'the file has more than the limit of 2 rows', { limit_rows: 2 });
    let thrown: unknown;
    try {
      refusalAsServiceError(refusal);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ServiceError);
    expect(thrown).toMatchObject({
      code: 'too_many_rows',
      message: 'the file has more than the limit of 2 rows',
      details: { limit_rows: 2 },
    });
  });

  it('rethrows any other error as it is', () => {
    const original = new ServiceError('conflict', 'batch b1 already exists');
    expect(() => refusalAsServiceError(original)).toThrow(original);
    const bug = new TypeError('x is undefined');
    expect(() => refusalAsServiceError(bug)).toThrow(bug);
  });
});
