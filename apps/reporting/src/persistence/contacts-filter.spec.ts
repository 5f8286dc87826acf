import { contactsFilter } from './contacts-filter';

describe('contacts filter', () => {
  it('lists every ingested contact of the batch without filters', () => {
    expect(contactsFilter({ batch_id: 'b1' })).toEqual({
      where: 'batch_id = $1 AND row IS NOT NULL',
      params: ['b1'],
      statusOnly: true,
    });
  });

  it('keeps a status-only filter answerable from the per-status counts', () => {
    const filter = contactsFilter({ batch_id: 'b1', status: ['failed', 'voicemail'] });
    expect(filter).toEqual({
      where: 'batch_id = $1 AND row IS NOT NULL AND status = ANY($2::text[])',
      params: ['b1', ['failed', 'voicemail']],
      statusOnly: true,
    });
  });

  it('combines attempts, date range and search with numbered parameters', () => {
    const filter = contactsFilter({
      batch_id: 'b1',
      attempts: 2,
      min_attempts: 1,
      max_attempts: 3,
      from: '2025-01-01T00:00:00Z',
      to: '2025-01-02T00:00:00Z',
      search: 'Ada',
    });
    expect(filter.statusOnly).toBe(false);
    expect(filter.where).toBe(
      "batch_id = $1 AND row IS NOT NULL AND attempts = $2 AND attempts >= $3 AND attempts <= $4 AND last_attempt_at >= $5::timestamptz AND last_attempt_at < $6::timestamptz AND (coalesce(phone, '') || ' ' || coalesce(name, '')) ILIKE $7",
    );
    expect(filter.params).toEqual(['b1', 2, 1, 3, '2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z', '%Ada%']);
  });

  it('ignores a blank search', () => {
    expect(contactsFilter({ batch_id: 'b1', search: ' ' }).statusOnly).toBe(true);
  });
});
