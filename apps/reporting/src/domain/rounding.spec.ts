import { roundTo } from './rounding';

describe('roundTo', () => {
  it('rounds half away from zero', () => {
    expect(roundTo(2.25, 1)).toBe(2.3);
    expect(roundTo(-2.25, 1)).toBe(-2.3);
    expect(roundTo(0.12344, 4)).toBe(0.1234);
    expect(roundTo(0.12345, 4)).toBe(0.1235);
  });

  it('handles binary fractions that sit just under the half', () => {
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(66.66666, 1)).toBe(66.7);
  });

  it('turns non-finite values into 0 rather than leaking NaN into a response', () => {
    expect(roundTo(Number.NaN, 1)).toBe(0);
    expect(roundTo(Number.POSITIVE_INFINITY, 1)).toBe(0);
  });
});
