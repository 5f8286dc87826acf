import { pageParams } from './page-params';

describe('directory list paging', () => {
  it('page and page_size: defaults, bounds, and a 400 naming each bad field', () => {
    expect(pageParams({})).toEqual({ page: 1, page_size: 50 });
    expect(pageParams({ page: '3', page_size: '200' })).toEqual({ page: 3, page_size: 200 });
    try {
      pageParams({ page: '0', page_size: '201' });
      throw new Error('expected a validation error');
    } catch (error) {
      expect((error as { details: { field: string }[] }).details.map((d) => d.field)).toEqual(['page', 'page_size']);
    }
  });
});
