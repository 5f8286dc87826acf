import { statusCountDelta } from './status-counts';

describe('statusCountDelta', () => {
  it('moves a contact from its old status to its new one', () => {
    expect([...statusCountDelta([{ status: 'pending', row: 1 }], [{ status: 'dialing', row: 1 }])]).toEqual([
      ['pending', -1],
      ['dialing', 1],
    ]);
  });

  it('counts nothing for placeholders, and a contact once its chunk fills it in', () => {
    expect(statusCountDelta([{ status: 'completed', row: null }], [{ status: 'completed', row: null }]).size).toBe(0);
    expect([...statusCountDelta([{ status: 'completed', row: null }], [{ status: 'completed', row: 7 }])]).toEqual([
      ['completed', 1],
    ]);
    expect([
      ...statusCountDelta(
        [],
        [
          { status: 'pending', row: 1 },
          { status: 'pending', row: 2 },
          { status: 'suppressed', row: 3 },
        ],
      ),
    ]).toEqual([
      ['pending', 2],
      ['suppressed', 1],
    ]);
  });

  it('is empty when nothing changed (a repeated chunk or update)', () => {
    expect(statusCountDelta([{ status: 'queued', row: 4 }], [{ status: 'queued', row: 4 }]).size).toBe(0);
  });
});
