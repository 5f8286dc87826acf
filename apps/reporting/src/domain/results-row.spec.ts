import { ContactReadModel } from './contact-read-model';
import {
  exportedVariableColumns,
  resultsHeaderLine,
  resultsRecordLine,
  resultsRecordValues,
  ResultsTuple,
  resultsTupleLine,
} from './results-row';

const contact = (over: Partial<ContactReadModel> = {}): ContactReadModel => ({
  row: 1,
  phone: '+12025550101',
  name: 'Alice',
  variables: { plan: 'gold', city: 'Paris' },
  status: 'completed',
  final: true,
  attempts: 2,
  last_outcome: 'completed',
  last_attempt_at: new Date('2025-01-01T10:05:00Z'),
  duration_seconds: 125,
  failure_reason: null,
  call_id: 'att-1',
  recording_url: 'https://rec/1.wav',
  transcript: 'Hi',
  ...over,
});

describe('results rows', () => {
  it('has the SPEC header then the variable columns in batch order', () => {
    expect(resultsHeaderLine(['plan', 'city'])).toBe(
      'phone,name,status,attempts,call_id,duration_seconds,recording_url,transcript,error_message,last_attempt_at,plan,city\r\n',
    );
    expect(resultsHeaderLine([])).toBe(
      'phone,name,status,attempts,call_id,duration_seconds,recording_url,transcript,error_message,last_attempt_at\r\n',
    );
  });

  it('escapes header names too', () => {
    expect(resultsHeaderLine(['=evil', 'a,b'])).toMatch(/,'=evil,"a,b"\r\n$/);
  });

  it('renders a successful contact', () => {
    expect(resultsRecordLine(contact(), ['city', 'plan'])).toBe(
      '+12025550101,Alice,completed,2,att-1,125,https://rec/1.wav,Hi,,2025-01-01T10:05:00.000Z,Paris,gold\r\n',
    );
  });

  it('renders a suppressed contact that was never dialed, with a missing variable empty', () => {
    const line = resultsRecordLine(
      contact({
        status: 'suppressed',
        attempts: 0,
        call_id: null,
        duration_seconds: null,
        recording_url: null,
        transcript: null,
        last_outcome: null,
        last_attempt_at: null,
        variables: { plan: 'x' },
      }),
      ['plan', 'city'],
    );
    expect(line).toBe('+12025550101,Alice,suppressed,0,,,,,suppressed,,x,\r\n');
  });

  it('shows the failure of a failed contact and escapes hostile values', () => {
    const values = resultsRecordValues(
      contact({
        status: 'failed',
        last_outcome: 'busy',
        name: 'Bob "B", Jr.',
        transcript: 'one\ntwo',
        variables: { plan: "=cmd|' /C calc'!A0" },
      }),
      ['plan'],
    );
    expect(values[8]).toBe('busy');
    const line = resultsRecordLine(
      contact({
        status: 'failed',
        last_outcome: 'busy',
        name: 'Bob "B", Jr.',
        transcript: 'one\ntwo',
        variables: { plan: "=cmd|' /C calc'!A0" },
      }),
      ['plan'],
    );
    expect(line).toBe(
      `+12025550101,"Bob ""B"", Jr.",failed,2,att-1,125,https://rec/1.wav,"one\ntwo",busy,2025-01-01T10:05:00.000Z,'=cmd|' /C calc'!A0\r\n`,
    );
  });

  it('copes with a contact without variables and does not read inherited properties', () => {
    expect(resultsRecordValues(contact({ variables: null }), ['plan']).at(-1)).toBeNull();
    expect(resultsRecordValues(contact({ variables: {} }), ['toString']).at(-1)).toBeNull();
  });
});

describe('exportedVariableColumns', () => {
  it('leaves out variables named like a fixed column, keeping the order of the rest', () => {
    expect(exportedVariableColumns(['name', 'email', 'Phone', 'note', 'status'])).toEqual(['email', 'note']);
    expect(exportedVariableColumns([])).toEqual([]);
  });
});

describe('resultsTupleLine', () => {
  /** The contact as the export query reads it (timestamp formatted, variables projected). */
  const tuple = (c: ContactReadModel, variableColumns: string[]): ResultsTuple => [
    c.row ?? 0,
    c.phone,
    c.name,
    c.status,
    c.final,
    c.attempts,
    c.last_outcome,
    c.last_attempt_at ? c.last_attempt_at.toISOString() : null,
    c.duration_seconds,
    c.failure_reason,
    c.call_id,
    c.recording_url,
    c.transcript,
    ...exportedVariableColumns(variableColumns).map((column) =>
      c.variables && Object.prototype.hasOwnProperty.call(c.variables, column) ? c.variables[column] : null,
    ),
  ];

  it('renders the same bytes as resultsRecordLine', () => {
    const cases: [Partial<ContactReadModel>, string[]][] = [
      [{}, ['city', 'plan']],
      [{}, []],
      [{}, ['name', 'plan', 'Phone', 'city']],
      [
        {
          status: 'suppressed',
          final: true,
          attempts: 0,
          call_id: null,
          duration_seconds: null,
          recording_url: null,
          transcript: null,
          last_outcome: null,
          last_attempt_at: null,
        },
        ['plan', 'city'],
      ],
      [
        {
          status: 'failed',
          last_outcome: 'busy',
          name: 'Bob "B", Jr.',
          transcript: 'one\ntwo',
          variables: { plan: "=cmd|' /C calc'!A0" },
        },
        ['plan'],
      ],
      [{ status: 'failed', failure_reason: 'carrier said no', final: true }, ['plan']],
      [{ status: 'failed', failure_reason: '', final: true, last_outcome: null }, ['plan']],
      [
        { status: 'queued', final: false, failure_reason: null, phone: null, name: null, variables: null },
        ['plan', 'city'],
      ],
      [
        {
          duration_seconds: 12.75,
          attempts: -1,
          name: '-2+3',
          transcript: '@SUM(A1)',
          recording_url: '\t=1',
          call_id: '\r=1',
        },
        [],
      ],
      [{ phone: '+1 202 555 0100', name: 'ééé 😀', variables: { plan: '+', city: '-3.5' } }, ['plan', 'city']],
    ];
    for (const [over, columns] of cases) {
      const c = contact(over);
      expect(resultsTupleLine(tuple(c, columns))).toBe(resultsRecordLine(c, columns));
    }
  });
});
