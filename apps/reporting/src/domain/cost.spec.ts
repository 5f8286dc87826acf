import { attemptCost, CostRates, parseRates } from './cost';

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

describe('CostRates', () => {
  it('uses the provider override, else the default rate', () => {
    const rates = new CostRates(0.09, 'twilio:0.014, http:0.05');
    expect(rates.rateFor('twilio')).toBe(0.014);
    expect(rates.rateFor('http')).toBe(0.05);
    expect(rates.rateFor('simulated')).toBe(0.09);
    expect(rates.rateFor(null)).toBe(0.09);
    expect(new CostRates(0.1, '').rateFor('twilio')).toBe(0.1);
  });

  it('rejects a malformed rate list', () => {
    expect(() => parseRates('twilio')).toThrow(/invalid rate/);
    expect(() => parseRates('twilio:-1')).toThrow(/invalid rate/);
  });
});
