import { OutdialApiError } from './errors';
import { paginate } from './outdial';

describe('OutdialApiError.fromResponse', () => {
  it('takes code, message and details from the API error body (SPEC §9)', () => {
    const error = OutdialApiError.fromResponse(400, {
      error: {
        code: 'missing_phone_column',
        message: 'no phone column; headers found: name',
        details: { headers: ['name'] },
      },
    });
    expect(error).toMatchObject({
      status: 400,
      code: 'missing_phone_column',
      message: 'no phone column; headers found: name',
      details: { headers: ['name'] },
    });
    expect(error).toBeInstanceOf(Error);
  });

  it('falls back to http_<status> and the text for other bodies, and reads Retry-After', () => {
    const error = OutdialApiError.fromResponse(502, '<html>Bad gateway</html>', new Headers({ 'retry-after': '7' }));
    expect(error).toMatchObject({
      status: 502,
      code: 'http_502',
      message: '<html>Bad gateway</html>',
      retryAfterSeconds: 7,
    });
    expect(OutdialApiError.fromResponse(500, undefined).message).toBe('HTTP 500');
  });
});

describe('paginate', () => {
  it('walks pages until total items were seen', async () => {
    const pages: number[] = [];
    const items: number[] = [];
    for await (const item of paginate(async (page) => {
      pages.push(page);
      return { items: page < 3 ? [page * 10, page * 10 + 1] : [30], total: 5, page_size: 2 };
    }))
      items.push(item);
    expect(items).toEqual([10, 11, 20, 21, 30]);
    expect(pages).toEqual([1, 2, 3]);
  });

  it('stops at an empty or short page when total is missing', async () => {
    const pages: number[] = [];
    for await (const _ of paginate(async (page) => {
      pages.push(page);
      return { items: page === 1 ? [1, 2] : [3], page_size: 2 };
    }))
      void _;
    expect(pages).toEqual([1, 2]);
  });
});
