import { contactErrorMessage, retryCount } from './contact-error';

const base = {
  status: 'failed',
  final: true,
  failure_reason: null as string | null,
  last_outcome: null as string | null,
};

describe('contactErrorMessage', () => {
  it('is empty for a successful contact, even with a reason left from an earlier attempt', () => {
    expect(contactErrorMessage({ ...base, status: 'completed', failure_reason: 'old' })).toBe('');
  });

  it('prefers the failure reason', () => {
    expect(contactErrorMessage({ ...base, failure_reason: 'SIP 486', last_outcome: 'busy' })).toBe('SIP 486');
  });

  it('falls back to the last outcome, then the status, for final contacts', () => {
    expect(contactErrorMessage({ ...base, last_outcome: 'no_answer' })).toBe('no_answer');
    expect(contactErrorMessage({ ...base, status: 'suppressed' })).toBe('suppressed');
    expect(contactErrorMessage({ ...base, status: 'invalid_number' })).toBe('invalid_number');
  });

  it('is empty for a contact still in progress unless a reason is known', () => {
    expect(contactErrorMessage({ ...base, status: 'queued', final: false, last_outcome: 'busy' })).toBe('');
    expect(contactErrorMessage({ ...base, status: 'queued', final: false, failure_reason: 'carrier said busy' })).toBe(
      'carrier said busy',
    );
  });
});

describe('retryCount', () => {
  it('counts attempts after the first, never below zero', () => {
    expect(retryCount(0)).toBe(0);
    expect(retryCount(1)).toBe(0);
    expect(retryCount(3)).toBe(2);
  });
});
