import { parseSimScript, scriptedOutcome, SimScriptError } from './sim-script';

describe('parseSimScript', () => {
  it('is empty when nothing is scripted', () => {
    expect(parseSimScript({})).toEqual({});
    expect(parseSimScript({ name: 'Ada', sim_outcomes: '  ', sim_duration_seconds: '' })).toEqual({});
  });

  it('reads a comma list of outcomes, trimming and lower-casing entries', () => {
    expect(parseSimScript({ sim_outcomes: 'busy, No_Answer ,completed' }).outcomes).toEqual([
      'busy',
      'no_answer',
      'completed',
    ]);
  });

  it('names every invalid entry and lists the valid outcomes', () => {
    expect(() => parseSimScript({ sim_outcomes: 'busy,nope,completed,answered' })).toThrow(SimScriptError);
    expect(() => parseSimScript({ sim_outcomes: 'busy,nope,completed,answered' })).toThrow(
      /"nope" \(entry 2\), "answered" \(entry 4\).*expected a comma list of completed, voicemail/,
    );
  });

  it('rejects empty entries instead of skipping them', () => {
    expect(() => parseSimScript({ sim_outcomes: 'busy,,completed' })).toThrow(/entry 2 is empty/);
    expect(() => parseSimScript({ sim_outcomes: 'busy,' })).toThrow(/entry 2 is empty/);
  });

  it('reads a duration, 0 and decimals included', () => {
    expect(parseSimScript({ sim_duration_seconds: '0' }).durationSeconds).toBe(0);
    expect(parseSimScript({ sim_duration_seconds: ' 12.5 ' }).durationSeconds).toBe(12.5);
    expect(parseSimScript({ sim_duration_seconds: '45' }).durationSeconds).toBe(45);
  });

  it.each(['-1', 'abc', '1e3', 'Infinity', '0x10', '1.', '.5', '1,5'])('rejects the duration %p', (value) => {
    expect(() => parseSimScript({ sim_duration_seconds: value })).toThrow(/invalid sim_duration_seconds/);
  });
});

describe('scriptedOutcome', () => {
  const script = parseSimScript({ sim_outcomes: 'busy,no_answer,completed' });

  it('gives one outcome per attempt and repeats the last', () => {
    expect([1, 2, 3, 4, 10].map((attempt) => scriptedOutcome(script, attempt))).toEqual([
      'busy',
      'no_answer',
      'completed',
      'completed',
      'completed',
    ]);
  });

  it('repeats a single outcome for every attempt', () => {
    const single = parseSimScript({ sim_outcomes: 'voicemail' });
    expect(scriptedOutcome(single, 1)).toBe('voicemail');
    expect(scriptedOutcome(single, 7)).toBe('voicemail');
  });

  it('is undefined when outcomes are not scripted', () => {
    expect(scriptedOutcome({ durationSeconds: 3 }, 1)).toBeUndefined();
  });

  it('rejects attempt numbers below 1', () => {
    expect(() => scriptedOutcome(script, 0)).toThrow(RangeError);
    expect(() => scriptedOutcome(script, 1.5)).toThrow(RangeError);
  });
});
