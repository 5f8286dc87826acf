/**
 * Rounds half away from zero to `decimals` places. The epsilon nudge makes values such as 1.005
 * (stored as 1.00499999...) round the way a person reading them expects.
 */
export function roundTo(value: number, decimals: number): number {
  if (!Number.isFinite(value)) return 0;
  const factor = 10 ** decimals;
  const scaled = Math.abs(value) * factor;
  const rounded = Math.round(scaled + scaled * Number.EPSILON) / factor;
  return value < 0 ? -rounded : rounded;
}
