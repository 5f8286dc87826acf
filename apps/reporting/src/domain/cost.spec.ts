import { attemptCost } from './cost';

describe('attemptCost', () => {
  it('prorates the per-minute rate per second', () => {
    expect(attemptCost(60, 0.09)).toBe(0.09);
    expect(attemptCost(125, 0.09)).toBe(0.1875);
    expect(attemptCost(1, 0.09)).toBe(0.0015);
    expect(attemptCost(30, 0.1)).toBe(0.05);
  });

  it('rounds to 4 decimals', () => {
    expect(attemptCost(7, 0.09)).toBe(0.0105);
    expect(attemptCost(10, 0.07)).toBe(0.0117); // 0.011666...
    expect(attemptCost(12.5, 0.09)).toBe(0.0188); // 0.01875
  });

  it('is zero for unanswered calls, a zero rate, and nonsense input', () => {
    expect(attemptCost(0, 0.09)).toBe(0);
    expect(attemptCost(120, 0)).toBe(0);
    expect(attemptCost(-5, 0.09)).toBe(0);
    expect(attemptCost(Number.NaN, 0.09)).toBe(0);
  });
});
