import { isFinalAtIngest, isNewerVersion } from './contact-versions';

describe('contact versions', () => {
  it('applies only strictly newer versions', () => {
    expect(isNewerVersion(0, 1)).toBe(true);
    expect(isNewerVersion(3, 4)).toBe(true);
    expect(isNewerVersion(3, 3)).toBe(false);
    expect(isNewerVersion(4, 3)).toBe(false);
  });

  it('treats ingested suppressed and invalid numbers as final', () => {
    expect(isFinalAtIngest('pending')).toBe(false);
    expect(isFinalAtIngest('suppressed')).toBe(true);
    expect(isFinalAtIngest('invalid_number')).toBe(true);
  });
});
