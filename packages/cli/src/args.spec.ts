import { InvalidArgumentError } from 'commander';

import {
  daysOption,
  intOption,
  jsonObjectOption,
  listOption,
  mappingOption,
  secondsListOption,
  setOption,
  settingsFromFlags,
  windowOption,
} from './args';

describe('option parsers', () => {
  it('reads calling windows as local hours and refuses the rest', () => {
    expect(windowOption('9-18')).toEqual({ start_hour: 9, end_hour: 18 });
    expect(windowOption('09:00-21:00')).toEqual({ start_hour: 9, end_hour: 21 });
    expect(windowOption(' 0 - 24 ')).toEqual({ start_hour: 0, end_hour: 24 });
    for (const bad of ['18-9', '9', '9-25', '9:30-18', 'nine-five', '9-9'])
      expect(() => windowOption(bad)).toThrow(InvalidArgumentError);
  });

  it('reads days as lists and ranges, wrapping over the week end, in week order without repeats', () => {
    expect(daysOption('mon-fri')).toEqual(['mon', 'tue', 'wed', 'thu', 'fri']);
    expect(daysOption('sat,mon,Sat')).toEqual(['mon', 'sat']);
    expect(daysOption('fri-mon')).toEqual(['mon', 'fri', 'sat', 'sun']);
    expect(daysOption('mon-wed,sun')).toEqual(['mon', 'tue', 'wed', 'sun']);
    for (const bad of ['monday', 'mon-fri-sat', '', 'x-y']) expect(() => daysOption(bad)).toThrow(InvalidArgumentError);
  });

  it('accumulates column mappings from repeated and comma-separated --map', () => {
    const once = mappingOption('phone=Mobile');
    expect(mappingOption('name=Full name,email=Mail', once)).toEqual({
      phone: 'Mobile',
      name: 'Full name',
      email: 'Mail',
    });
    for (const bad of ['phone', '=Mobile', 'phone=']) expect(() => mappingOption(bad)).toThrow(InvalidArgumentError);
  });

  it('checks whole numbers and their range', () => {
    const concurrency = intOption(1, 50);
    expect(concurrency('50')).toBe(50);
    for (const bad of ['0', '51', '2.5', 'five', '']) expect(() => concurrency(bad)).toThrow(InvalidArgumentError);
  });

  it('reads lists, optionally from a fixed vocabulary, and lists of seconds', () => {
    expect(listOption(['busy', 'no_answer'])(' busy, no_answer ,')).toEqual(['busy', 'no_answer']);
    expect(() => listOption(['busy'])('busy,bussy')).toThrow(/unknown value bussy/);
    expect(() => listOption()(' , ')).toThrow(InvalidArgumentError);
    expect(secondsListOption('300,1800')).toEqual([300, 1800]);
    expect(() => secondsListOption('300,soon')).toThrow(InvalidArgumentError);
  });

  it('reads --set values as JSON when they parse, else as text, and --metadata only as an object', () => {
    expect(setOption('priority=5', setOption('note=hello world'))).toEqual({ note: 'hello world', priority: 5 });
    expect(setOption('metadata={"a":[1]}')).toEqual({ metadata: { a: [1] } });
    expect(() => setOption('novalue')).toThrow(InvalidArgumentError);
    expect(jsonObjectOption('{"team":"sales"}')).toEqual({ team: 'sales' });
    for (const bad of ['[1]', '"x"', '{']) expect(() => jsonObjectOption(bad)).toThrow(InvalidArgumentError);
  });
});

describe('settingsFromFlags', () => {
  it('maps flags onto the API settings (SPEC §3), grouping retry, timing and mapping, leaving unset ones out', () => {
    expect(
      settingsFromFlags({
        agent: 'agent-demo',
        name: 'Renewals',
        concurrency: 4,
        maxAttempts: 2,
        retryOn: ['busy'],
        retryDelays: [60],
        window: { start_hour: 9, end_hour: 18 },
        days: ['mon', 'tue'],
        callTimezone: 'contact',
        map: { phone: 'Mobile' },
        schedule: '2026-12-01T09:00:00',
        timezone: 'America/New_York',
        bypassCallGuardrails: true,
        set: { priority: 3 },
      }),
    ).toEqual({
      agent_id: 'agent-demo',
      name: 'Renewals',
      concurrency: 4,
      max_attempts: 2,
      retry_policy: { retry_on: ['busy'], delays_seconds: [60] },
      call_timing: { start_hour: 9, end_hour: 18, days: ['mon', 'tue'], timezone: 'contact' },
      column_mapping: { phone: 'Mobile' },
      scheduled_start_time: '2026-12-01T09:00:00',
      timezone: 'America/New_York',
      bypass_call_guardrails: true,
      priority: 3,
    });
  });

  it('sends nothing for no flags, so the API defaults (or a redial the original batch) apply', () => {
    expect(settingsFromFlags({})).toEqual({});
    expect(settingsFromFlags({ map: {} })).toEqual({});
  });
});
