import { matchesRedial, redialContact, redialCreateRequest, reportingStatusesFor } from './redial-rules';

describe('redial rules (SPEC §4 "Redial")', () => {
  it('an outcome names failed contacts whose last attempt had it; a final status names itself', () => {
    expect(matchesRedial({ status: 'failed', last_outcome: 'busy' }, ['busy'])).toBe(true);
    expect(matchesRedial({ status: 'failed', last_outcome: 'no_answer' }, ['busy'])).toBe(false);
    expect(matchesRedial({ status: 'voicemail', last_outcome: 'voicemail' }, ['voicemail'])).toBe(true);
    expect(matchesRedial({ status: 'failed', last_outcome: 'timeout' }, ['failed'])).toBe(true);
    // Not final yet: never redialed, whatever its last outcome.
    expect(matchesRedial({ status: 'queued', last_outcome: 'busy' }, ['busy'])).toBe(false);
    expect(matchesRedial({ status: 'completed', last_outcome: 'completed' }, ['busy', 'failed'])).toBe(false);
  });

  it('asks reporting for the final statuses that can hold the contacts', () => {
    expect(reportingStatusesFor(['busy', 'no_answer']).sort()).toEqual(['failed']);
    expect(reportingStatusesFor(['voicemail', 'busy']).sort()).toEqual(['failed', 'voicemail']);
    expect(reportingStatusesFor(['expired'])).toEqual(['expired']);
  });

  it('keeps the original settings but its times and mapping, applies overrides, links the original', () => {
    const request = redialCreateRequest(
      {
        batch_id: 'batch_1',
        name: 'January',
        agent_id: 'agent-demo',
        from_number: '+12025550100',
        settings: {
          concurrency: 3,
          max_attempts: 2,
          scheduled_start_time: '2026-01-01T09:00:00.000Z',
          end_time: '2026-01-02T09:00:00.000Z',
          metadata: { team: 'a' },
          timezone: 'UTC',
          description: null,
        },
      },
      { concurrency: 7, metadata: { note: 'second pass' } },
    );
    expect(request).toEqual({
      concurrency: 7,
      max_attempts: 2,
      timezone: 'UTC',
      name: 'January (redial)',
      agent_id: 'agent-demo',
      from_number: '+12025550100',
      metadata: { team: 'a', note: 'second pass', redial_of: 'batch_1' },
      column_mapping: { phone: 'phone' },
    });
  });

  it('a contact travels as phone, name and its variables; the phone wins over a variable of that name', () => {
    expect(redialContact({ phone: '+14155550101', name: 'Ada', variables: { city: 'Paris', phone: 'x' } })).toEqual({
      city: 'Paris',
      phone: '+14155550101',
      name: 'Ada',
    });
    expect(redialContact({ phone: '+14155550101', name: null, variables: null })).toEqual({ phone: '+14155550101' });
  });
});
