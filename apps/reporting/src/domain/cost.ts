import { roundTo } from './rounding';

/**
 * What one attempt cost: the per-minute rate prorated per second of call time, rounded to 4
 * decimals (the precision stored per attempt, so batch sums equal the sum of what is shown).
 */
export function attemptCost(durationSeconds: number, ratePerMinute: number): number {
  if (!(durationSeconds > 0) || !(ratePerMinute > 0)) return 0;
  return roundTo((durationSeconds * ratePerMinute) / 60, 4);
}

/** Per-minute rates: a default and per-provider overrides (`twilio:0.014,http:0.05`). */
export class CostRates {
  private readonly byProvider: Map<string, number>;

  constructor(
    readonly defaultRate: number,
    overrides: string,
  ) {
    this.byProvider = parseRates(overrides);
  }

  rateFor(provider: string | null | undefined): number {
    return (provider ? this.byProvider.get(provider) : undefined) ?? this.defaultRate;
  }
}

export function parseRates(text: string): Map<string, number> {
  const rates = new Map<string, number>();
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const [provider, rate] = part.split(':').map((s) => s.trim());
    const value = Number(rate);
    if (!provider || !Number.isFinite(value) || value < 0) throw new Error(`invalid rate "${part}"`);
    rates.set(provider, value);
  }
  return rates;
}
