import { readModelShows } from './read-model-wait';

const at = (iso: string) => new Date(iso);
const state = (statusAt: string | null, total: number, contacts: number) => ({
  status_at: statusAt ? at(statusAt) : null,
  total_calls: total,
  contacts,
});

describe('readModelShows', () => {
  it('a status change is shown once the applied change is as recent or later', () => {
    const change = { statusAt: at('2026-11-29T10:00:00.500Z') };
    expect(readModelShows(state('2026-11-29T10:00:00.499Z', 3, 3), change)).toBe(false);
    expect(readModelShows(state('2026-11-29T10:00:00.500Z', 3, 3), change)).toBe(true);
    expect(readModelShows(state('2026-11-29T10:00:01.000Z', 3, 3), change)).toBe(true);
    expect(readModelShows(state(null, 3, 3), change)).toBe(false);
    expect(readModelShows(undefined, change)).toBe(false);
  });

  it('a delete is shown once the batch is gone', () => {
    expect(readModelShows(undefined, { deleted: true })).toBe(true);
    expect(readModelShows(state(null, 0, 0), { deleted: true })).toBe(false);
  });

  it('a batch exists once its row is there, whatever its contacts', () => {
    expect(readModelShows(undefined, { exists: true })).toBe(false);
    expect(readModelShows(state(null, 1_000_000, 0), { exists: true })).toBe(true);
  });

  it('a new batch is shown once every announced contact arrived', () => {
    expect(readModelShows(undefined, { allContacts: true })).toBe(false);
    expect(readModelShows(state(null, 1_000_000, 999_000), { allContacts: true })).toBe(false);
    expect(readModelShows(state(null, 1_000_000, 1_000_000), { allContacts: true })).toBe(true);
    expect(readModelShows(state(null, 0, 0), { allContacts: true })).toBe(true);
  });
});
