import { counterContribution, counterDelta, isZeroDelta, ZERO_DELTA } from './contact-counters';

describe('counterContribution', () => {
  it('counts a completed contact as final and completed', () => {
    expect(counterContribution({ status: 'completed', final: true, attempts: 1 })).toEqual({
      final: 1,
      completed: 1,
      failed: 0,
      inProgress: 0,
      dialedFinal: 1,
    });
  });

  it('counts every other final status as failed', () => {
    for (const status of ['failed', 'voicemail', 'suppressed', 'invalid_number', 'cancelled', 'expired', 'opted_out']) {
      expect(counterContribution({ status, final: true, attempts: 2 })).toMatchObject({
        final: 1,
        completed: 0,
        failed: 1,
        inProgress: 0,
      });
    }
  });

  it('does not count contacts final without a dial into the dialing pace', () => {
    expect(counterContribution({ status: 'suppressed', final: true, attempts: 0 }).dialedFinal).toBe(0);
  });

  it('counts dialing and in_progress contacts as in progress', () => {
    expect(counterContribution({ status: 'dialing', final: false, attempts: 1 })).toEqual({
      ...ZERO_DELTA,
      inProgress: 1,
    });
    expect(counterContribution({ status: 'in_progress', final: false, attempts: 1 })).toEqual({
      ...ZERO_DELTA,
      inProgress: 1,
    });
  });

  it('counts nothing for pending and queued contacts', () => {
    expect(counterContribution({ status: 'pending', final: false, attempts: 0 })).toEqual(ZERO_DELTA);
    expect(counterContribution({ status: 'queued', final: false, attempts: 1 })).toEqual(ZERO_DELTA);
  });

  it('trusts the final flag over the status name', () => {
    expect(counterContribution({ status: 'completed', final: false, attempts: 1 })).toEqual(ZERO_DELTA);
  });
});

describe('counterDelta', () => {
  it('is the difference of the sums; absent contacts count nothing', () => {
    const delta = counterDelta(
      [],
      [
        { status: 'suppressed', final: true, attempts: 0 },
        { status: 'pending', final: false, attempts: 0 },
      ],
    );
    expect(delta).toEqual({ final: 1, completed: 0, failed: 1, inProgress: 0, dialedFinal: 0 });
  });

  it('moves a contact out of in-progress and into completed', () => {
    const delta = counterDelta(
      [{ status: 'in_progress', final: false, attempts: 1 }],
      [{ status: 'completed', final: true, attempts: 1 }],
    );
    expect(delta).toEqual({ final: 1, completed: 1, failed: 0, inProgress: -1, dialedFinal: 1 });
  });

  it('is zero when the same state is applied again (a redelivery)', () => {
    const states = [{ status: 'failed', final: true, attempts: 3 }];
    expect(isZeroDelta(counterDelta(states, states))).toBe(true);
    expect(isZeroDelta(counterDelta([], []))).toBe(true);
  });

  it('is not zero when anything counted changed', () => {
    expect(
      isZeroDelta(
        counterDelta(
          [{ status: 'queued', final: false, attempts: 1 }],
          [{ status: 'dialing', final: false, attempts: 2 }],
        ),
      ),
    ).toBe(false);
  });
});
