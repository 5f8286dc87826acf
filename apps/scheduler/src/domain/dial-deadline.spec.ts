import { dialNotAfter } from './dial-deadline';

describe('dialNotAfter: window close or batch end, whichever is first', () => {
  const closes = new Date('2026-11-23T21:00:00Z');
  const ends = new Date('2026-11-23T20:00:00Z');

  it('the earlier of the two', () => {
    expect(dialNotAfter(closes, ends)).toEqual(ends);
    expect(dialNotAfter(ends, closes)).toEqual(ends);
  });
  it('either alone', () => {
    expect(dialNotAfter(closes, null)).toEqual(closes);
    expect(dialNotAfter(undefined, ends)).toEqual(ends);
  });
  it('an always-open window (closesAt = the largest Date) and no end_time: no bound', () => {
    expect(dialNotAfter(new Date(8.64e15), null)).toBeNull();
    expect(dialNotAfter(undefined, null)).toBeNull();
  });
});
