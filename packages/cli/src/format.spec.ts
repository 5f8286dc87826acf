import {
  formatBytes,
  formatDuration,
  formatError,
  formatFinalSummary,
  formatPercent,
  formatProgressLine,
  formatRecord,
  formatTable,
  formatValidation,
} from './format';

describe('formatting for people', () => {
  it('formats bytes in SI units and durations', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1500)).toBe('1.5 kB');
    expect(formatBytes(72_000_000)).toBe('72.0 MB');
    expect(formatBytes(-1)).toBe('?');
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(7800)).toBe('2h 10m');
    expect(formatDuration(null)).toBe('-');
  });

  it('pads table columns to the widest cell, with - for empty cells and no trailing spaces', () => {
    expect(
      formatTable(
        ['id', 'status', 'note'],
        [
          ['b1', 'running', null],
          ['batch_2', 'completed', 'a\nb'],
        ],
      ),
    ).toBe(['id       status     note', 'b1       running    -', 'batch_2  completed  a b'].join('\n'));
  });

  it('summarises a validation report with the first issues and how many more there are', () => {
    const text = formatValidation(
      {
        total_rows: 5,
        valid_rows: 2,
        invalid_rows: 2,
        duplicate_rows: 1,
        empty_rows: 0,
        suppressed_rows: 0,
        issues: [
          { row: 2, phone: '123', code: 'invalid_phone', message: 'not a phone number' },
          { row: 3, phone: 'abc', code: 'invalid_phone', message: 'not a phone number' },
          { row: 5, phone: '+14155550101', code: 'duplicate', message: 'same as row 4' },
        ],
      },
      2,
    );
    expect(text).toBe(
      [
        'rows: 5 total, 2 valid, 2 invalid, 1 duplicate, 0 empty, 0 suppressed',
        '  row  phone  code           message',
        '  2    123    invalid_phone  not a phone number',
        '  3    abc    invalid_phone  not a phone number',
        '  … and 1 more (GET /api/batch-calls/{id}/issues.csv has them all)',
      ].join('\n'),
    );
    expect(formatValidation({ total_rows: 1, valid_rows: 1 })).toBe(
      'rows: 1 total, 1 valid, 0 invalid, 0 duplicate, 0 empty, 0 suppressed',
    );
  });

  it('prints progress lines and the final summary from the batch status (SPEC §8)', () => {
    const batch = {
      batch_id: 'batch_1',
      status: 'completed',
      total_calls: 3,
      completed: 2,
      failed: 1,
      in_progress: 0,
      pending: 0,
      progress_percent: 100,
      success_rate: 0.6667,
      cost_so_far: 0.5,
    };
    expect(
      formatProgressLine({ ...batch, status: 'running', progress_percent: 66.7 }, new Date('2026-11-29T10:11:12Z')),
    ).toBe('10:11:12 running 66% (completed 2 · failed 1 · in progress 0 · pending 0)');
    expect(formatFinalSummary(batch)).toBe(
      'batch_1 completed: 3 contacts · completed 2 · failed 1 · in progress 0 · pending 0 · success rate 66.7% · cost 0.50',
    );
    expect(formatPercent(66.7)).toBe('66.7%');
  });

  it('prints records as aligned key/value lines', () => {
    expect(formatRecord({ id: 'b', metadata: { a: 1 } })).toBe('id        b\nmetadata  {"a":1}');
  });

  it('prints an error as one line with the API code, message and field problems', () => {
    expect(formatError('unauthorized', 'invalid or revoked token')).toBe(
      'error: unauthorized: invalid or revoked token',
    );
    expect(formatError('validation_failed', 'bad\nrequest', [{ field: 'concurrency', problems: ['max 50'] }])).toBe(
      'error: validation_failed: bad request [concurrency (max 50)]',
    );
  });
});
