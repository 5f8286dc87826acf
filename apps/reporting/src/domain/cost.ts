import { roundTo } from './rounding';

/**
 * What one attempt cost: the per-minute rate prorated per second of call time, rounded to 4
 * decimals (the precision stored per attempt, so batch sums equal the sum of what is shown).
 */
export function attemptCost(durationSeconds: number, ratePerMinute: number): number {
  if (!(durationSeconds > 0) || !(ratePerMinute > 0)) return 0;
  return roundTo((durationSeconds * ratePerMinute) / 60, 4);
}
