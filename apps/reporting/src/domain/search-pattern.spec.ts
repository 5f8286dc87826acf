import { escapeLike, searchPattern } from './search-pattern';

describe('search pattern', () => {
  it('searches a phone by its digits, and names literally', () => {
    expect(searchPattern('(415) 555-0101')).toBe('%4155550101%');
    expect(searchPattern('+1 415')).toBe('%1415%');
    expect(searchPattern('  Grace  ')).toBe('%Grace%');
    expect(searchPattern('50%_off')).toBe('%50\\%\\_off%');
    expect(searchPattern('   ')).toBeNull();
    expect(escapeLike('a\\b')).toBe('a\\\\b');
  });
});
