import { EventBatcher } from './event-batcher';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('EventBatcher', () => {
  it('applies items submitted together as one group and settles each on its own', async () => {
    const groups: number[][] = [];
    const batcher = new EventBatcher<number>(
      async (items) => {
        groups.push(items);
        return items.map((i) => (i === 2 ? new Error('two failed') : undefined));
      },
      { maxItems: 10, lingerMs: 5 },
    );
    const settled = await Promise.allSettled([1, 2, 3].map((i) => batcher.submit(i)));
    expect(groups).toEqual([[1, 2, 3]]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toEqual(new Error('two failed'));
  });

  it('rejects every item of a group whose apply rejects', async () => {
    const batcher = new EventBatcher<number>(
      async () => {
        throw new Error('database gone');
      },
      { maxItems: 10, lingerMs: 1 },
    );
    const settled = await Promise.allSettled([1, 2].map((i) => batcher.submit(i)));
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
  });

  it('applies one group at a time: what arrives meanwhile is the next group, in order, at most maxItems each', async () => {
    const groups: number[][] = [];
    const gate = deferred();
    const batcher = new EventBatcher<number>(
      async (items) => {
        groups.push(items);
        if (groups.length === 1) await gate.promise;
        return items.map(() => undefined);
      },
      { maxItems: 3, lingerMs: 1 },
    );
    const first = batcher.submit(1);
    await new Promise((r) => setTimeout(r, 10)); // group [1] is under way
    const rest = [2, 3, 4, 5, 6].map((i) => batcher.submit(i));
    expect(groups).toEqual([[1]]);
    gate.resolve();
    await Promise.all([first, ...rest]);
    expect(groups).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it('applies a full group at once, without waiting for the linger time', async () => {
    const groups: number[][] = [];
    const batcher = new EventBatcher<number>(
      async (items) => {
        groups.push(items);
        return items.map(() => undefined);
      },
      { maxItems: 2, lingerMs: 60_000 },
    );
    await Promise.all([batcher.submit(1), batcher.submit(2)]);
    expect(groups).toEqual([[1, 2]]);
  });
});
