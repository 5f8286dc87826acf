import { CALL_OUTCOMES } from '@outdial/contracts';

import { chooseOutcome, parseOutcomeWeights, unitHash } from './sim-outcome-distribution';

describe('parseOutcomeWeights', () => {
  it('parses the default distribution', () => {
    expect(parseOutcomeWeights('completed:0.6,no_answer:0.15,busy:0.1,voicemail:0.1,failed:0.05')).toEqual([
      { outcome: 'completed', weight: 0.6 },
      { outcome: 'no_answer', weight: 0.15 },
      { outcome: 'busy', weight: 0.1 },
      { outcome: 'voicemail', weight: 0.1 },
      { outcome: 'failed', weight: 0.05 },
    ]);
  });

  it('tolerates spaces, upper case and a trailing comma; weights are relative', () => {
    expect(parseOutcomeWeights(' Completed : 3 , busy:1, ')).toEqual([
      { outcome: 'completed', weight: 3 },
      { outcome: 'busy', weight: 1 },
    ]);
  });

  it.each([
    ['', /no outcomes/],
    ['completed', /not <outcome>:<weight>/],
    ['completed:-1', /not <outcome>:<weight>/],
    ['completed:abc', /not <outcome>:<weight>/],
    ['answered:1', /"answered" is not an outcome/],
    ['busy:1,busy:2', /"busy" is given twice/],
    ['busy:0,completed:0', /sum to 0/],
  ])('rejects %p', (text, message) => {
    expect(() => parseOutcomeWeights(text)).toThrow(message);
  });
});

describe('unitHash', () => {
  it('is deterministic and in [0, 1)', () => {
    expect(unitHash('s', 'c', 1)).toBe(unitHash('s', 'c', 1));
    for (let i = 0; i < 1000; i++) {
      const u = unitHash('seed', `contact-${i}`, 1);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });

  it('does not confuse part boundaries', () => {
    expect(unitHash('ab', 'c')).not.toBe(unitHash('a', 'bc'));
  });
});

describe('chooseOutcome', () => {
  const weights = parseOutcomeWeights('completed:0.6,no_answer:0.15,busy:0.1,voicemail:0.1,failed:0.05');

  it('decides the same outcome for the same seed, contact and attempt (any replica)', () => {
    for (let i = 0; i < 50; i++) {
      expect(chooseOutcome(weights, 'outdial', `c-${i}`, 2)).toBe(chooseOutcome(weights, 'outdial', `c-${i}`, 2));
    }
  });

  it('follows the weights over many contacts', () => {
    const counts: Record<string, number> = {};
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const outcome = chooseOutcome(weights, 'outdial', `contact-${i}`, 1);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    }
    expect(counts.completed / n).toBeCloseTo(0.6, 1);
    expect(counts.no_answer / n).toBeCloseTo(0.15, 1);
    expect(counts.failed / n).toBeGreaterThan(0.03);
    expect(counts.failed / n).toBeLessThan(0.07);
    expect(Object.keys(counts).sort()).toEqual(['busy', 'completed', 'failed', 'no_answer', 'voicemail']);
  });

  it('varies with the attempt and the seed', () => {
    const byAttempt = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((a) => chooseOutcome(weights, 'outdial', 'c-1', a)));
    expect(byAttempt.size).toBeGreaterThan(1);
    const bySeed = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((s) => chooseOutcome(weights, s, 'c-1', 1)));
    expect(bySeed.size).toBeGreaterThan(1);
  });

  it('never picks a zero-weight outcome', () => {
    const only = parseOutcomeWeights('busy:0,completed:1,failed:0');
    for (let i = 0; i < 500; i++) expect(chooseOutcome(only, 's', `c-${i}`, 1)).toBe('completed');
  });

  it('can produce every outcome', () => {
    const all = CALL_OUTCOMES.map((outcome) => ({ outcome, weight: 1 }));
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(chooseOutcome(all, 's', `c-${i}`, 1));
    expect(seen.size).toBe(CALL_OUTCOMES.length);
  });

  it('rejects weights that sum to 0', () => {
    expect(() => chooseOutcome([{ outcome: 'busy', weight: 0 }], 's', 'c', 1)).toThrow(/more than 0/);
    expect(() => chooseOutcome([], 's', 'c', 1)).toThrow(/more than 0/);
  });
});
