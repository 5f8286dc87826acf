import { randomBytes } from 'node:crypto';

import { ContactIdSequence } from './contact-ids';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('ContactIdSequence', () => {
  it('gives RFC 9562 version 7 ids carrying the timestamp', () => {
    const now = Date.UTC(2026, 10, 21, 12, 0, 0, 123);
    const id = new ContactIdSequence(now, randomBytes(16)).next();
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(now);
  });

  it('counts up within a batch: ascending as strings and as UUIDs, no repeats', () => {
    const ids = new ContactIdSequence(Date.now(), randomBytes(16));
    const list = Array.from({ length: 5000 }, () => ids.next());
    expect(new Set(list).size).toBe(5000);
    expect([...list].sort()).toEqual(list);
    list.forEach((id) => expect(id).toMatch(UUID_V7));
  });

  it('agrees with plain hex formatting across the 4,096 boundaries of its digit table', () => {
    const random = new Uint8Array(16);
    random[9] = 0xfe; // counter starts at 0xfe: crosses 0x1000 and 0x2000 within 8,192 ids
    const ids = new ContactIdSequence(0, random);
    for (let counter = 0xfe; counter < 0xfe + 8192; counter++) {
      expect(ids.next().slice(-12)).toBe(counter.toString(16).padStart(12, '0'));
    }
  });

  it('does not carry out of the counter field even from the largest start', () => {
    const random = new Uint8Array(16).fill(0xff);
    const ids = new ContactIdSequence(0, random);
    const first = ids.next();
    expect(first).toBe('00000000-0000-7fff-bfff-7fffffffffff');
    expect(ids.next()).toBe('00000000-0000-7fff-bfff-800000000000');
  });

  it('two batches started in the same millisecond get different ids', () => {
    const a = new ContactIdSequence(1000, randomBytes(16));
    const b = new ContactIdSequence(1000, randomBytes(16));
    expect(a.next()).not.toBe(b.next());
  });
});
