import { BATCH_STATUSES, BatchStatus } from '@outdial/contracts';

import {
  ACTION_MATRIX,
  BatchProgress,
  completionStep,
  decideAction,
  FAILABLE_STATUSES,
  isFinalBatchStatus,
  releasesContacts,
  unrecoverableFailureReason,
} from './batch-lifecycle';

// SPEC §4, row by row: the status each action leads to, or null where it is not allowed.
const EXPECTED: Record<string, Record<BatchStatus, string | null>> = {
  pause: {
    pending: null,
    scheduled: null,
    running: 'paused',
    paused: null,
    completed: null,
    failed: null,
    cancelled: null,
  },
  resume: {
    pending: null,
    scheduled: null,
    running: null,
    paused: 'running',
    completed: null,
    failed: null,
    cancelled: null,
  },
  cancel: {
    pending: 'cancelled',
    scheduled: 'cancelled',
    running: 'cancelled',
    paused: 'cancelled',
    completed: null,
    failed: null,
    cancelled: null,
  },
  delete: {
    pending: 'deleted',
    scheduled: 'deleted',
    running: null,
    paused: 'deleted',
    completed: 'deleted',
    failed: 'deleted',
    cancelled: 'deleted',
  },
  reschedule: {
    pending: 'scheduled',
    scheduled: 'scheduled',
    running: null,
    paused: null,
    completed: null,
    failed: null,
    cancelled: null,
  },
  export: {
    pending: 'pending',
    scheduled: 'scheduled',
    running: 'running',
    paused: 'paused',
    completed: 'completed',
    failed: 'failed',
    cancelled: 'cancelled',
  },
};

const cells = Object.entries(EXPECTED).flatMap(([action, row]) =>
  BATCH_STATUSES.map((status) => [action, status, row[status]] as const),
);

describe('batch lifecycle action matrix (SPEC §4)', () => {
  it('has 42 cells: 6 actions x 7 statuses', () => {
    expect(cells).toHaveLength(42);
    expect(Object.keys(ACTION_MATRIX).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(cells)('%s on a %s batch -> %s', (action, status, expected) => {
    const decision = decideAction(status, action as keyof typeof ACTION_MATRIX);
    if (expected === null) {
      expect(decision.allowed).toBe(false);
      if (!decision.allowed) expect(decision.reason).toContain(`cannot ${action} a ${status} batch`);
    } else {
      expect(decision).toEqual({ allowed: true, next: expected });
    }
  });

  it('only a running batch releases contacts', () => {
    expect(BATCH_STATUSES.filter(releasesContacts)).toEqual(['running']);
  });

  it('completed, failed and cancelled are final', () => {
    expect(BATCH_STATUSES.filter(isFinalBatchStatus)).toEqual(['completed', 'failed', 'cancelled']);
  });
});

describe('completionStep: what a batch whose contacts are all final needs', () => {
  const done = (status: BatchStatus, over: Partial<BatchProgress> = {}): BatchProgress => ({
    status,
    completed_at: null,
    total_contacts: 3,
    contacts_received: 3,
    final_count: 3,
    ...over,
  });

  it.each(['running', 'paused', 'scheduled'] as BatchStatus[])('a %s batch becomes completed', (status) => {
    expect(completionStep(done(status))).toBe('completed');
  });
  it.each(['cancelled', 'failed', 'completed'] as BatchStatus[])(
    'a %s batch keeps its status and is drained',
    (status) => {
      expect(completionStep(done(status))).toBe('drained');
    },
  );
  it('a pending batch waits until it is scheduled or cancelled', () => {
    expect(completionStep(done('pending'))).toBe('none');
  });
  it('nothing while contacts are still arriving or not final, or once stamped', () => {
    expect(completionStep(done('running', { contacts_received: 2, final_count: 2 }))).toBe('none');
    expect(completionStep(done('running', { final_count: 2 }))).toBe('none');
    expect(completionStep(done('cancelled', { completed_at: new Date(0) }))).toBe('none');
  });
  it('an empty batch (0 contacts) is done at once', () => {
    expect(completionStep(done('running', { total_contacts: 0, contacts_received: 0, final_count: 0 }))).toBe(
      'completed',
    );
  });
});

describe('unrecoverableFailureReason', () => {
  it('names the provider or the agent, and says nothing more can be called', () => {
    expect(unrecoverableFailureReason('provider_not_configured', 'agent-1', 'vapi')).toBe(
      'provider vapi is not configured (no credentials): no call of this batch can be placed',
    );
    expect(unrecoverableFailureReason('agent_not_found', 'agent-1', 'vapi')).toBe(
      'agent agent-1 was not found by the dialer: no call of this batch can be placed',
    );
  });

  it('fails every status that is not final', () => {
    for (const status of FAILABLE_STATUSES) expect(isFinalBatchStatus(status)).toBe(false);
  });
});
