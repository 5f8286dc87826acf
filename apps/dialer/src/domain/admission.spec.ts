import { AdmissionInput, agentMaxConcurrentCalls, batchAllowsDial, decideAdmission, pastNotAfter } from './admission';

const base: AdmissionInput = {
  orgOpen: 0,
  batchOpen: 0,
  maxConcurrentCalls: 5,
  batchConcurrency: 3,
  callsPerSecond: 1,
  bucket: { tokens: 1, refilledAtMs: 0 },
  nowMs: 0,
};

describe('decideAdmission', () => {
  it('admits with a slot under both limits and a token, spending the token', () => {
    expect(decideAdmission(base)).toEqual({ kind: 'admit', bucket: { tokens: 0, refilledAtMs: 0 } });
  });

  it('refuses at the batch concurrency, exactly at the edge', () => {
    expect(decideAdmission({ ...base, batchOpen: 2, orgOpen: 2 }).kind).toBe('admit');
    expect(decideAdmission({ ...base, batchOpen: 3, orgOpen: 3 })).toEqual({ kind: 'refuse', limit: 'batch' });
  });

  it('refuses at the org limit across batches, exactly at the edge', () => {
    expect(decideAdmission({ ...base, orgOpen: 4 }).kind).toBe('admit');
    expect(decideAdmission({ ...base, orgOpen: 5 })).toEqual({ kind: 'refuse', limit: 'org' });
  });

  it("refuses at the agent's max_concurrent_calls (its platform plan) across batches, before the org limit", () => {
    expect(decideAdmission({ ...base, agentMaxConcurrentCalls: 2, agentOpen: 1, orgOpen: 1 }).kind).toBe('admit');
    expect(decideAdmission({ ...base, agentMaxConcurrentCalls: 2, agentOpen: 2, orgOpen: 2 })).toEqual({
      kind: 'refuse',
      limit: 'agent',
    });
    expect(decideAdmission({ ...base, agentOpen: 9, orgOpen: 2 }).kind).toBe('admit');
  });

  it('ignores the batch limit when the request does not carry it', () => {
    expect(decideAdmission({ ...base, batchConcurrency: undefined, batchOpen: 4, orgOpen: 4 }).kind).toBe('admit');
  });

  it('refuses without a token and says when the next one is due', () => {
    expect(decideAdmission({ ...base, bucket: { tokens: 0.25, refilledAtMs: 0 } })).toEqual({
      kind: 'refuse',
      limit: 'rate',
      retryAfterMs: 750,
    });
  });

  it('spends no token when there is no slot', () => {
    expect(decideAdmission({ ...base, orgOpen: 5, bucket: { tokens: 0, refilledAtMs: 0 } })).toEqual({
      kind: 'refuse',
      limit: 'org',
    });
  });
});

describe('batchAllowsDial', () => {
  it('allows unknown and running batches', () => {
    expect(batchAllowsDial(undefined, 0)).toBe(true);
    expect(batchAllowsDial({ status: 'running', changedAtMs: 10 }, 0)).toBe(true);
  });

  it('refuses requests released before the batch stopped running', () => {
    for (const status of ['paused', 'cancelled', 'completed', 'failed', 'deleted']) {
      expect(batchAllowsDial({ status, changedAtMs: 1000 }, 999)).toBe(false);
      expect(batchAllowsDial({ status, changedAtMs: 1000 }, 1000)).toBe(false);
    }
  });

  it('trusts a request released after the latest change it knows of (the scheduler released it while running)', () => {
    expect(batchAllowsDial({ status: 'paused', changedAtMs: 1000 }, 1001)).toBe(true);
  });
});

describe('pastNotAfter', () => {
  it('closes the window at not_after itself', () => {
    const at = '2025-01-01T10:00:00.000Z';
    expect(pastNotAfter(at, Date.parse(at) - 1)).toBe(false);
    expect(pastNotAfter(at, Date.parse(at))).toBe(true);
    expect(pastNotAfter(undefined, Date.parse(at))).toBe(false);
  });
});

describe('agentMaxConcurrentCalls', () => {
  it.each([
    [{ max_concurrent_calls: 3 }, 3],
    [{ max_concurrent_calls: 1 }, 1],
    [{ max_concurrent_calls: 0 }, undefined],
    [{ max_concurrent_calls: 2.5 }, undefined],
    [{ max_concurrent_calls: '3' }, undefined],
    [{}, undefined],
    [undefined, undefined],
  ])('%j -> %s', (config, expected) => {
    expect(agentMaxConcurrentCalls(config as Record<string, unknown> | undefined)).toBe(expected);
  });
});
