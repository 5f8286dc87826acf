import 'reflect-metadata';

import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import {
  BatchIngestedEvent,
  ContactRecord,
  ContactsChunkEvent,
  CreateBatchCommand,
  isValidContactRecord,
} from './batch-ingest';
import { BATCH_LIMITS, BatchSettings, RetryPolicy } from './batch-settings';
import { CallFinishedEvent, DialRequest } from './dialing';
import { FieldError } from './error-codes';
import { InvalidPayloadError, parsePayload, PAYLOAD_CLASSES, toValidatedInstance } from './payload-registry';
import {
  CALL_OUTCOMES,
  CallOutcome,
  FINAL_CONTACT_STATUSES,
  finalStatusForOutcome,
  isFinalContactStatus,
  NON_FINAL_CONTACT_STATUSES,
} from './statuses';
import { assertValidPrefix, prefixedStreamName, streamForSubject, STREAMS, subjectMatches, Subjects } from './subjects';

const AT = '2025-01-15T10:00:00.000Z';

function batchIngested(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: 'evt-1',
    org_id: 'org-1',
    batch_id: 'batch-1',
    name: 'January',
    agent_id: 'agent-demo',
    provider: 'simulated',
    from_number: '+12025550100',
    initial_status: 'running',
    settings: {},
    total_contacts: 2,
    chunk_count: 1,
    variable_columns: ['name', 'city'],
    validation: { total_rows: 3, valid_rows: 2, invalid_rows: 1, duplicate_rows: 0, empty_rows: 0, suppressed_rows: 0 },
    estimated_cost: 0.54,
    created_at: AT,
    ...overrides,
  };
}

function contact(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    contact_id: 'c-1',
    row: 1,
    phone: '+12025550100',
    priority: 0,
    variables: { city: 'Paris' },
    status: 'pending',
    ...overrides,
  };
}

function chunk(contacts: unknown[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: 'evt-2',
    org_id: 'org-1',
    batch_id: 'batch-1',
    chunk_index: 0,
    chunk_count: 1,
    contacts,
    ...overrides,
  };
}

function callFinished(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: 'evt-3',
    org_id: 'org-1',
    attempt_id: 'att-1',
    batch_id: 'batch-1',
    contact_id: 'c-1',
    attempt: 1,
    provider: 'simulated',
    outcome: 'busy',
    ended_at: AT,
    duration_seconds: 0,
    ...overrides,
  };
}

/** Runs `fn`, expects an InvalidPayloadError and returns it. */
function invalid(fn: () => unknown): InvalidPayloadError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPayloadError);
    return error as InvalidPayloadError;
  }
  throw new Error('expected an InvalidPayloadError, nothing was thrown');
}

const fields = (errors: FieldError[]): string[] => errors.map((e) => e.field).sort();

describe('parsePayload', () => {
  it('turns a valid batch_ingested payload into a BatchIngestedEvent with BatchSettings defaults filled in', () => {
    const event = parsePayload(Subjects.batchIngested, batchIngested());
    expect(event).toBeInstanceOf(BatchIngestedEvent);
    expect(event.settings).toBeInstanceOf(BatchSettings);
    expect(event.settings.retry_policy).toBeInstanceOf(RetryPolicy);
    expect(event.settings).toMatchObject({
      concurrency: 5,
      max_attempts: 3,
      timeout_per_call_seconds: 600,
      timezone: 'UTC',
      default_region: 'US',
      invalid_phone_handling: 'skip',
      priority: 0,
      bypass_call_guardrails: false,
    });
    expect(event.settings.retry_policy.retry_on).toEqual(['busy', 'no_answer', 'timeout']);
    expect(event.settings.retry_policy.delays_seconds).toEqual([300, 1800]);
    expect(event.settings.call_timing).toBeUndefined();
    expect(event.batch_id).toBe('batch-1');
    expect(event.validation.invalid_rows).toBe(1);
  });

  it('keeps explicit settings instead of the defaults', () => {
    const event = parsePayload(
      Subjects.batchIngested,
      batchIngested({
        settings: {
          concurrency: 12,
          max_attempts: 1,
          retry_policy: { retry_on: ['busy'], delays_seconds: [60] },
          default_region: 'GB',
        },
      }),
    );
    expect(event.settings.concurrency).toBe(12);
    expect(event.settings.max_attempts).toBe(1);
    expect(event.settings.retry_policy.retry_on).toEqual(['busy']);
    expect(event.settings.retry_policy.delays_seconds).toEqual([60]);
    expect(event.settings.default_region).toBe('GB');
    expect(event.settings.timezone).toBe('UTC');
  });

  it('does not share default arrays between instances', () => {
    const a = parsePayload(Subjects.batchIngested, batchIngested());
    const b = parsePayload(Subjects.batchIngested, batchIngested());
    a.settings.retry_policy.retry_on.push('failed');
    expect(b.settings.retry_policy.retry_on).toEqual(['busy', 'no_answer', 'timeout']);
  });

  it('reports nested settings errors by path', () => {
    const error = invalid(() =>
      parsePayload(
        Subjects.batchIngested,
        batchIngested({ settings: { concurrency: 0, retry_policy: { retry_on: ['hung_up'] } } }),
      ),
    );
    expect(fields(error.fieldErrors)).toEqual(['settings.concurrency', 'settings.retry_policy.retry_on']);
    expect(error.subject).toBe(Subjects.batchIngested);
  });

  it('names every missing required field', () => {
    const raw = batchIngested();
    delete raw.batch_id;
    delete raw.agent_id;
    delete raw.created_at;
    const error = invalid(() => parsePayload(Subjects.batchIngested, raw));
    expect(fields(error.fieldErrors)).toEqual(['agent_id', 'batch_id', 'created_at']);
    expect(error.message).toContain(`invalid payload for ${Subjects.batchIngested}`);
    expect(error.message).toContain('batch_id');
    expect(error.name).toBe('InvalidPayloadError');
  });

  it('rejects an empty event_id', () => {
    const error = invalid(() => parsePayload(Subjects.batchIngested, batchIngested({ event_id: '' })));
    expect(error.fieldErrors).toEqual([{ field: 'event_id', problems: ['event_id should not be empty'] }]);
  });

  it('rejects wrong enum values', () => {
    const provider = invalid(() => parsePayload(Subjects.batchIngested, batchIngested({ provider: 'vonage' })));
    expect(fields(provider.fieldErrors)).toEqual(['provider']);
    const status = invalid(() => parsePayload(Subjects.batchIngested, batchIngested({ initial_status: 'paused' })));
    expect(fields(status.fieldErrors)).toEqual(['initial_status']);
    const outcome = invalid(() => parsePayload(Subjects.callFinished, callFinished({ outcome: 'hung_up' })));
    expect(fields(outcome.fieldErrors)).toEqual(['outcome']);
  });

  it('accepts every call outcome on call.finished', () => {
    for (const outcome of CALL_OUTCOMES) {
      const event = parsePayload(Subjects.callFinished, callFinished({ outcome }));
      expect(event).toBeInstanceOf(CallFinishedEvent);
      expect(event.outcome).toBe(outcome);
    }
  });

  it('rejects bad ISO 8601 dates, required and optional', () => {
    const required = invalid(() => parsePayload(Subjects.callFinished, callFinished({ ended_at: 'yesterday' })));
    expect(fields(required.fieldErrors)).toEqual(['ended_at']);
    const optional = invalid(() =>
      parsePayload(Subjects.callFinished, callFinished({ answered_at: '2025-13-01T00:00:00Z' })),
    );
    expect(fields(optional.fieldErrors)).toEqual(['answered_at']);
    const created = invalid(() => parsePayload(Subjects.batchIngested, batchIngested({ created_at: 1736935200000 })));
    expect(fields(created.fieldErrors)).toEqual(['created_at']);
  });

  it('rejects a negative duration and attempt 0', () => {
    const error = invalid(() =>
      parsePayload(Subjects.callFinished, callFinished({ duration_seconds: -1, attempt: 0 })),
    );
    expect(fields(error.fieldErrors)).toEqual(['attempt', 'duration_seconds']);
    expect(parsePayload(Subjects.callFinished, callFinished({ duration_seconds: 0, attempt: 1 })).attempt).toBe(1);
  });

  it('turns a valid contacts chunk into its class, the contacts kept as checked plain records', () => {
    const event = parsePayload(
      Subjects.contactsChunk,
      chunk([contact(), contact({ contact_id: 'c-2', row: 2, status: 'suppressed' })]),
    );
    expect(event).toBeInstanceOf(ContactsChunkEvent);
    expect(event.contacts).toHaveLength(2);
    expect(event.contacts[1].status).toBe('suppressed');
  });

  it("still checks a valid chunk's envelope when its contacts take the hand-written path", () => {
    const error = invalid(() => parsePayload(Subjects.contactsChunk, chunk([contact()], { chunk_count: 0 })));
    expect(fields(error.fieldErrors)).toEqual(['chunk_count']);
  });

  it("isValidContactRecord agrees with ContactRecord's decorators on every kind of wrong field", () => {
    const wrongs: Record<string, unknown>[] = [
      {},
      { contact_id: '' },
      { contact_id: 7 },
      { row: 0 },
      { row: 1.5 },
      { row: '1' },
      { phone: 14155550101 },
      { phone: undefined },
      { name: 3 },
      { name: null },
      { name: undefined },
      { timezone: 5 },
      { timezone: null },
      { priority: 0.5 },
      { priority: undefined },
      { priority: -3 },
      { variables: null },
      { variables: [] },
      { variables: 'x' },
      { variables: {} },
      { status: 'dialing' },
      { status: 'invalid_number' },
      { status: undefined },
      { row: 1, priority: 2 ** 31 },
    ];
    for (const change of wrongs) {
      const record = { ...contact(), ...change };
      for (const key of Object.keys(change)) if (change[key] === undefined) delete record[key];
      const byDecorators = validateSync(plainToInstance(ContactRecord, record)).length === 0;
      expect({ change, valid: isValidContactRecord(record) }).toEqual({ change, valid: byDecorators });
    }
    expect(isValidContactRecord(null)).toBe(false);
    expect(isValidContactRecord([contact()])).toBe(false);
  });

  it('names nested ContactRecord errors by index and field', () => {
    const error = invalid(() =>
      parsePayload(
        Subjects.contactsChunk,
        chunk([
          contact({ phone: 12025550100 }),
          contact({ contact_id: 'c-2', row: 0 }),
          contact({ contact_id: 'c-3', status: 'dialing' }),
        ]),
      ),
    );
    expect(fields(error.fieldErrors)).toEqual(['contacts[0].phone', 'contacts[1].row', 'contacts[2].status']);
    expect(error.message).toContain('contacts[0].phone');
  });

  it('reports a missing required ContactRecord field', () => {
    const raw = contact();
    delete raw.priority;
    const error = invalid(() => parsePayload(Subjects.contactsChunk, chunk([contact(), raw])));
    expect(fields(error.fieldErrors)).toEqual(['contacts[1].priority']);
  });

  it('rejects a chunk whose contacts is not an array', () => {
    const error = invalid(() => parsePayload(Subjects.contactsChunk, chunk(JSON.parse('"nope"'))));
    expect(fields(error.fieldErrors)).toContain('contacts');
  });

  it('validates a dial request', () => {
    const raw = {
      event_id: 'e',
      org_id: 'o',
      attempt_id: 'a',
      batch_id: 'b',
      contact_id: 'c',
      attempt: 2,
      phone: '+12025550100',
      from_number: '+12025550101',
      agent_id: 'agent-demo',
      provider: 'twilio',
      variables: {},
      timeout_seconds: 600,
      requested_at: AT,
    };
    expect(parsePayload(Subjects.dialRequested, raw)).toBeInstanceOf(DialRequest);
    const error = invalid(() => parsePayload(Subjects.dialRequested, { ...raw, timeout_seconds: 0, variables: 'x' }));
    expect(fields(error.fieldErrors)).toEqual(['timeout_seconds', 'variables']);
    // The calling window the dialer re-checks itself (issue 12 §1): optional, validated when present.
    const windowed = parsePayload(Subjects.dialRequested, {
      ...raw,
      calling_window: { start_hour: 8, end_hour: 16, weekdays: [1, 2, 3, 4, 5], zones: ['America/St_Johns'] },
    });
    expect(windowed.calling_window).toEqual({
      start_hour: 8,
      end_hour: 16,
      weekdays: [1, 2, 3, 4, 5],
      zones: ['America/St_Johns'],
    });
    const badWindow = invalid(() =>
      parsePayload(Subjects.dialRequested, {
        ...raw,
        calling_window: { start_hour: 25, end_hour: 16, weekdays: [0], zones: [] },
      }),
    );
    expect(fields(badWindow.fieldErrors)).toEqual([
      'calling_window.start_hour',
      'calling_window.weekdays',
      'calling_window.zones',
    ]);
  });

  it('validates the create_batch rpc command with nested upload and settings', () => {
    const raw = {
      org_id: 'o',
      batch_id: 'b',
      upload: { object_name: 'obj', filename: 'list.csv', content_type: 'text/csv', size: 10 },
      name: 'n',
      agent_id: 'agent-demo',
      provider: 'simulated',
      from_number: '+12025550100',
      initial_status: 'scheduled',
      settings: { max_attempts: 10 },
    };
    const command = parsePayload(Subjects.ingestCreateBatch, raw);
    expect(command).toBeInstanceOf(CreateBatchCommand);
    expect(command.settings.max_attempts).toBe(10);
    expect(command.settings.concurrency).toBe(5);
    const error = invalid(() =>
      parsePayload(Subjects.ingestCreateBatch, { ...raw, upload: { ...raw.upload, size: -1, object_name: '' } }),
    );
    expect(fields(error.fieldErrors)).toEqual(['upload.object_name', 'upload.size']);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', '{"event_id":"x"}'],
    ['a number', 42],
    ['a boolean', true],
    ['an array', [batchIngested()]],
  ])('rejects %s as payload with a (root) field error', (_label, raw) => {
    const error = invalid(() => parsePayload(Subjects.batchIngested, raw));
    expect(error.fieldErrors).toEqual([{ field: '(root)', problems: ['payload must be a JSON object'] }]);
    expect(error.subject).toBe(Subjects.batchIngested);
  });

  it('throws a plain Error (not InvalidPayloadError) for an unknown subject', () => {
    expect(() => parsePayload('v1.nope', {})).toThrow('no payload class registered for subject v1.nope');
    try {
      parsePayload('v1.nope', {});
    } catch (error) {
      expect(error).not.toBeInstanceOf(InvalidPayloadError);
    }
    expect(() => parsePayload(Subjects.deadLetter, {})).toThrow(/no payload class/);
  });

  it('has a payload class for every subject except the dead letter subject', () => {
    const expected = Object.values(Subjects)
      .filter((s) => s !== Subjects.deadLetter)
      .sort();
    expect(Object.keys(PAYLOAD_CLASSES).sort()).toEqual(expected);
  });
});

describe('BatchSettings validation (toValidatedInstance)', () => {
  const validate = (raw: Record<string, unknown>): BatchSettings => toValidatedInstance(BatchSettings, raw, 'settings');

  it('fills every default from an empty object', () => {
    const settings = validate({});
    expect(settings).toBeInstanceOf(BatchSettings);
    expect(settings.concurrency).toBe(BATCH_LIMITS.concurrency.default);
    expect(settings.max_attempts).toBe(BATCH_LIMITS.maxAttempts.default);
    expect(settings.timeout_per_call_seconds).toBe(600);
  });

  it.each([1, 50])('accepts concurrency %i', (concurrency) => {
    expect(validate({ concurrency }).concurrency).toBe(concurrency);
  });

  it.each([
    [0, 'concurrency must not be less than 1'],
    [51, 'concurrency must not be greater than 50'],
  ])('rejects concurrency %i', (concurrency, problem) => {
    const error = invalid(() => validate({ concurrency }));
    expect(error.fieldErrors).toEqual([{ field: 'concurrency', problems: [problem] }]);
    expect(error.subject).toBe('settings');
  });

  it.each([1, 10])('accepts max_attempts %i', (max_attempts) => {
    expect(validate({ max_attempts }).max_attempts).toBe(max_attempts);
  });

  it.each([
    [0, 'max_attempts must not be less than 1'],
    [11, 'max_attempts must not be greater than 10'],
  ])('rejects max_attempts %i', (max_attempts, problem) => {
    const error = invalid(() => validate({ max_attempts }));
    expect(error.fieldErrors).toEqual([{ field: 'max_attempts', problems: [problem] }]);
  });

  it('rejects non-integer and string concurrency (no implicit conversion)', () => {
    expect(fields(invalid(() => validate({ concurrency: 2.5 })).fieldErrors)).toEqual(['concurrency']);
    expect(fields(invalid(() => validate({ concurrency: '5' })).fieldErrors)).toEqual(['concurrency']);
  });

  it('validates timeout_per_call_seconds at 10 and 7200', () => {
    expect(validate({ timeout_per_call_seconds: 10 }).timeout_per_call_seconds).toBe(10);
    expect(validate({ timeout_per_call_seconds: 7200 }).timeout_per_call_seconds).toBe(7200);
    expect(fields(invalid(() => validate({ timeout_per_call_seconds: 9 })).fieldErrors)).toEqual([
      'timeout_per_call_seconds',
    ]);
    expect(fields(invalid(() => validate({ timeout_per_call_seconds: 7201 })).fieldErrors)).toEqual([
      'timeout_per_call_seconds',
    ]);
  });

  it('validates invalid_phone_handling, call_timing and retry_policy', () => {
    expect(validate({ invalid_phone_handling: 'use_as_is' }).invalid_phone_handling).toBe('use_as_is');
    expect(fields(invalid(() => validate({ invalid_phone_handling: 'drop' })).fieldErrors)).toEqual([
      'invalid_phone_handling',
    ]);
    expect(validate({ call_timing: { start_hour: 0, end_hour: 24, days: ['mon', 'sun'] } }).call_timing?.days).toEqual([
      'mon',
      'sun',
    ]);
    expect(
      fields(invalid(() => validate({ call_timing: { start_hour: 24, end_hour: 0, days: ['monday'] } })).fieldErrors),
    ).toEqual(['call_timing.days', 'call_timing.end_hour', 'call_timing.start_hour']);
    expect(
      fields(invalid(() => validate({ retry_policy: { delays_seconds: [-1], backoff_multiplier: 11 } })).fieldErrors),
    ).toEqual(['retry_policy.backoff_multiplier', 'retry_policy.delays_seconds']);
  });
});

describe('subjectMatches', () => {
  it.each([
    ['v1.dial.requested', 'v1.dial.requested', true],
    ['v1.dial.requested', 'v1.dial.other', false],
    ['v1.dial.requested', 'v1.dial', false],
    ['v1.dial', 'v1.dial.requested', false],
    ['v1.*.requested', 'v1.dial.requested', true],
    ['v1.*', 'v1.dial', true],
    ['v1.*', 'v1.dial.requested', false],
    ['v1.*', 'v1', false],
    ['v1.>', 'v1.dial', true],
    ['v1.>', 'v1.dial.requested.x', true],
    ['v1.>', 'v1', false],
    ['v1.dlq.>', 'v1.dlq.ingest', true],
    ['v1.dlq.>', 'v1.dlq', false],
    ['>', 'anything', true],
    ['*.*', 'a.b', true],
    ['v1.ingest.>', 'v1.batch.status_changed', false],
  ])('%s vs %s → %s', (filter, subject, expected) => {
    expect(subjectMatches(filter, subject)).toBe(expected);
  });
});

describe('streamForSubject', () => {
  const expected: Record<string, string> = {
    [Subjects.batchIngested]: 'INGEST',
    [Subjects.contactsChunk]: 'INGEST',
    [Subjects.batchStatusChanged]: 'BATCH',
    [Subjects.dialRequested]: 'DIAL',
    [Subjects.callStarted]: 'CALL',
    [Subjects.callFinished]: 'CALL',
    [Subjects.contactUpdated]: 'CONTACT',
    [Subjects.providerEvent]: 'PROVIDER',
    [Subjects.callDeclined]: 'CALL',
    [Subjects.batchDeleted]: 'BATCH',
    [Subjects.orgSettingsChanged]: 'ORG',
    [Subjects.agentChanged]: 'ORG',
    // the dead letter subject is a prefix: the transport publishes to v1.dlq.<service>
    [`${Subjects.deadLetter}.ingest`]: 'DLQ',
  };
  // request/reply subjects travel over core NATS, never a stream
  const rpcSubjects = Object.values(Subjects).filter((subject) => subject.startsWith('v1.rpc.'));
  it.each(rpcSubjects)('%s is held by no stream', (subject) => {
    expect(() => streamForSubject(subject)).toThrow();
  });

  it('covers every subject in Subjects', () => {
    const covered = new Set([...Object.keys(expected), ...rpcSubjects, Subjects.deadLetter]);
    for (const subject of Object.values(Subjects)) expect(covered.has(subject)).toBe(true);
  });

  it.each(Object.entries(expected))('maps %s to stream %s, held by exactly one stream', (subject, stream) => {
    expect(streamForSubject(subject).name).toBe(stream);
    const holders = STREAMS.filter((s) => s.subjects.some((f) => subjectMatches(f, subject)));
    expect(holders.map((s) => s.name)).toEqual([stream]);
  });

  it('puts dial requests and provider events on work-queue streams', () => {
    expect(streamForSubject(Subjects.dialRequested).retention).toBe('workqueue');
    expect(streamForSubject(Subjects.providerEvent).retention).toBe('workqueue');
    expect(streamForSubject(Subjects.callFinished).retention).toBe('limits');
  });

  it.each(rpcSubjects)('throws for the rpc subject %s', (subject) => {
    expect(() => streamForSubject(subject)).toThrow(`no stream holds subject ${subject}`);
  });

  it('throws for unknown subjects and for the bare dead letter prefix', () => {
    expect(() => streamForSubject('v2.dial.requested')).toThrow('no stream holds subject v2.dial.requested');
    expect(() => streamForSubject(Subjects.deadLetter)).toThrow(/no stream holds subject/);
  });
});

describe('assertValidPrefix', () => {
  it.each(['outdial', 'a', 'test-run_1', 'a'.repeat(32), 'x9'])('accepts %s', (prefix) => {
    expect(() => assertValidPrefix(prefix)).not.toThrow();
  });

  it.each(['', 'a'.repeat(33), 'Outdial', '1abc', '-abc', '_abc', 'a.b', 'a b', 'a*', 'a>'])(
    'rejects "%s"',
    (prefix) => {
      expect(() => assertValidPrefix(prefix)).toThrow(`invalid NATS prefix "${prefix}"`);
    },
  );
});

describe('prefixedStreamName', () => {
  it('upper-cases the prefix and turns dashes into underscores', () => {
    expect(prefixedStreamName('outdial', 'DIAL')).toBe('OUTDIAL_DIAL');
    expect(prefixedStreamName('test-run-1', 'CALL')).toBe('TEST_RUN_1_CALL');
    expect(prefixedStreamName('t_x', 'DLQ')).toBe('T_X_DLQ');
  });
});

describe('statuses', () => {
  const expectedFinal: Record<CallOutcome, string> = {
    completed: 'completed',
    voicemail: 'voicemail',
    busy: 'failed',
    no_answer: 'failed',
    timeout: 'failed',
    failed: 'failed',
    invalid_number: 'invalid_number',
    blocked: 'blocked',
    carrier_error: 'carrier_error',
    agent_error: 'agent_error',
    opted_out: 'opted_out',
  };

  it('has an expectation for every outcome', () => {
    expect(Object.keys(expectedFinal).sort()).toEqual([...CALL_OUTCOMES].sort());
  });

  it.each(CALL_OUTCOMES.map((o) => [o, expectedFinal[o]]))(
    'finalStatusForOutcome(%s) = %s, a final status',
    (outcome, status) => {
      expect(finalStatusForOutcome(outcome as CallOutcome)).toBe(status);
      expect(isFinalContactStatus(finalStatusForOutcome(outcome as CallOutcome))).toBe(true);
    },
  );

  it.each([...FINAL_CONTACT_STATUSES])('isFinalContactStatus(%s) is true', (status) => {
    expect(isFinalContactStatus(status)).toBe(true);
  });

  it.each([...NON_FINAL_CONTACT_STATUSES, 'COMPLETED', '', 'done'])('isFinalContactStatus(%s) is false', (status) => {
    expect(isFinalContactStatus(status)).toBe(false);
  });

  it('lists the SPEC §5 final statuses exactly', () => {
    expect([...FINAL_CONTACT_STATUSES].sort()).toEqual(
      [
        'completed',
        'voicemail',
        'failed',
        'invalid_number',
        'blocked',
        'carrier_error',
        'agent_error',
        'suppressed',
        'cancelled',
        'expired',
        'opted_out',
      ].sort(),
    );
    expect([...NON_FINAL_CONTACT_STATUSES]).toEqual(['pending', 'queued', 'dialing', 'in_progress']);
  });
});

describe('CallTiming validation', () => {
  const settings = (call_timing: object) => ({ ...toValidatedInstance(BatchSettings, {}, 'settings'), call_timing });
  it.each([
    [{ start_hour: 9, end_hour: 20, timezone: 'contact' }, true],
    [{ timezone: 'America/New_York' }, true],
    [{ timezone: 'Mars/Olympus' }, false],
    [{ start_hour: 9, end_hour: 9 }, false],
    [{ start_hour: 9, end_hour: 10 }, true],
    [{ end_hour: 9 }, false],
    [{ start_hour: 0, end_hour: 24 }, true],
    [{ start_hour: 21, end_hour: 8 }, false],
  ])('%j valid: %s', (timing, valid) => {
    const attempt = () => toValidatedInstance(BatchSettings, settings(timing), 'settings');
    if (valid) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(/call_timing/);
  });
});
