import { createHash } from 'node:crypto';

import { CALL_OUTCOMES, CallOutcome, isCallOutcome } from '@outdial/contracts';

export interface WeightedOutcome {
  outcome: CallOutcome;
  weight: number;
}

/** Parses `completed:0.6,no_answer:0.15,...`; weights are relative (they need not sum to 1). */
export function parseOutcomeWeights(text: string): WeightedOutcome[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error('no outcomes given; expected e.g. "completed:0.6,busy:0.4"');
  const seen = new Set<string>();
  const weights: WeightedOutcome[] = [];
  for (const entry of entries) {
    const match = /^([a-z_]+)\s*:\s*(\d+(?:\.\d+)?)$/i.exec(entry);
    if (!match) throw new Error(`"${entry}" is not <outcome>:<weight>`);
    const outcome = match[1].toLowerCase();
    if (!isCallOutcome(outcome))
      throw new Error(`"${match[1]}" is not an outcome (one of ${CALL_OUTCOMES.join(', ')})`);
    if (seen.has(outcome)) throw new Error(`"${outcome}" is given twice`);
    seen.add(outcome);
    weights.push({ outcome, weight: Number(match[2]) });
  }
  if (weights.every((w) => w.weight === 0)) throw new Error('the weights sum to 0');
  return weights;
}

/**
 * A number in [0, 1) that depends only on its inputs: every dialer replica (and every restart)
 * decides the same outcome for the same contact and attempt.
 */
export function unitHash(...parts: (string | number)[]): number {
  const digest = createHash('sha256').update(parts.map(String).join('\u0000')).digest();
  // 48 bits fit exactly in a double.
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** Picks an outcome from the weights, deterministically from (seed, contact, attempt). */
export function chooseOutcome(
  weights: readonly WeightedOutcome[],
  seed: string,
  contactId: string,
  attempt: number,
): CallOutcome {
  const total = weights.reduce((sum, w) => sum + w.weight, 0);
  if (!(total > 0)) throw new Error('outcome weights must sum to more than 0');
  const target = unitHash(seed, contactId, attempt) * total;
  let cumulative = 0;
  for (const { outcome, weight } of weights) {
    cumulative += weight;
    if (weight > 0 && target < cumulative) return outcome;
  }
  // Floating-point rounding can leave target a hair above the last sum: the last non-zero entry wins.
  return [...weights].reverse().find((w) => w.weight > 0)!.outcome;
}
