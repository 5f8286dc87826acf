import { EventAccumulator, GroupOutcome } from './event-accumulator';

describe('EventAccumulator', () => {
  it('applies items submitted together as one group and settles each on its own', async () => {
    const groups: number[][] = [];
    const acc = new EventAccumulator<number>(
      async (items) => {
        groups.push(items);
        return items.map((n) => (n === 2 ? new Error('two is not ready') : null));
      },
      { maxItems: 10, lingerMs: 5, maxInFlight: 1 },
    );
    const results = await Promise.allSettled([1, 2, 3].map((n) => acc.submit(n)));
    expect(groups).toEqual([[1, 2, 3]]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('cuts groups at maxItems', async () => {
    const groups: number[][] = [];
    const acc = new EventAccumulator<number>(
      async (items) => {
        groups.push(items);
        return items.map(() => null);
      },
      { maxItems: 2, lingerMs: 5, maxInFlight: 1 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((n) => acc.submit(n)));
    expect(groups.flat()).toEqual([1, 2, 3, 4, 5]);
    expect(Math.max(...groups.map((g) => g.length))).toBe(2);
  });

  it('applies a group that fails as a whole again one item at a time: only the bad item fails', async () => {
    const calls: number[][] = [];
    const acc = new EventAccumulator<number>(
      async (items): Promise<GroupOutcome> => {
        calls.push(items);
        if (items.includes(13)) throw new Error('poison');
        return items.map(() => null);
      },
      { maxItems: 10, lingerMs: 5, maxInFlight: 1 },
    );
    const results = await Promise.allSettled([12, 13, 14].map((n) => acc.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(calls).toEqual([[12, 13, 14], [12], [13], [14]]);
  });
});
