import { GroupOutcome, MessageGrouper } from './message-grouper';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

describe('MessageGrouper', () => {
  it('applies items submitted together as one group, in order, and settles each on its own', async () => {
    const groups: number[][] = [];
    const grouper = new MessageGrouper<number>(
      async (items) => {
        groups.push(items);
        return items.map((n) => (n === 2 ? new Error('two is not ready') : n === 3 ? undefined : null));
      },
      { maxItems: 10, lingerMs: 5 },
    );
    const results = await Promise.allSettled([1, 2, 3].map((n) => grouper.submit(n)));
    expect(groups).toEqual([[1, 2, 3]]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('two is not ready'));
  });

  it('cuts groups at maxItems and keeps submission order across groups', async () => {
    const groups: number[][] = [];
    const grouper = new MessageGrouper<number>(
      async (items) => {
        groups.push(items);
        return [];
      },
      { maxItems: 2, lingerMs: 5 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((n) => grouper.submit(n)));
    expect(groups.flat()).toEqual([1, 2, 3, 4, 5]);
    expect(Math.max(...groups.map((g) => g.length))).toBe(2);
  });

  it('applies a full group at once, without waiting for the linger', async () => {
    const grouper = new MessageGrouper<number>(async (items) => items.map(() => null), {
      maxItems: 2,
      lingerMs: 60_000,
    });
    await Promise.all([grouper.submit(1), grouper.submit(2)]);
  });

  it('one group at a time by default: items arriving meanwhile form the next group, applied when it ends', async () => {
    let release!: () => void;
    const groups: number[][] = [];
    let running = 0;
    let maxRunning = 0;
    const grouper = new MessageGrouper<number>(
      async (items) => {
        groups.push(items);
        running++;
        maxRunning = Math.max(maxRunning, running);
        if (items[0] === 1) await new Promise<void>((r) => (release = r));
        running--;
        return [];
      },
      { maxItems: 10, lingerMs: 1 },
    );
    const first = grouper.submit(1);
    await new Promise((r) => setTimeout(r, 20));
    const later = [2, 3, 4].map((n) => grouper.submit(n));
    await new Promise((r) => setTimeout(r, 20));
    expect(groups).toEqual([[1]]);
    expect(grouper.waiting).toBe(3);
    release();
    await Promise.all([first, ...later]);
    expect(groups).toEqual([[1], [2, 3, 4]]);
    expect(maxRunning).toBe(1);
  });

  it('runs up to maxInFlight groups at once', async () => {
    let running = 0;
    let maxRunning = 0;
    const grouper = new MessageGrouper<number>(
      async (items) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
        return items.map(() => null);
      },
      { maxItems: 1, lingerMs: 1, maxInFlight: 3 },
    );
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => grouper.submit(n)));
    expect(maxRunning).toBe(3);
  });

  it('with keyOf, an item whose key a group under way holds waits for it; other keys go on in a parallel group', async () => {
    const releases = new Map<string, () => void>();
    const groups: string[][] = [];
    const grouper = new MessageGrouper<string>(
      async (items) => {
        groups.push(items);
        await new Promise<void>((r) => releases.set(items.join(','), r));
        return [];
      },
      { maxItems: 10, lingerMs: 1, maxInFlight: 3, keyOf: (item) => item.split(':')[0] },
    );
    const done: string[] = [];
    const submit = (item: string) => grouper.submit(item).then(() => done.push(item));
    const first = [submit('a:1'), submit('b:1')];
    await new Promise((r) => setTimeout(r, 20));
    expect(groups).toEqual([['a:1', 'b:1']]);
    // a and b are under way: a:2 and b:2 wait; c:1 (and d:1 after it) form a group at once.
    const later = [submit('a:2'), submit('c:1'), submit('b:2'), submit('d:1')];
    await new Promise((r) => setTimeout(r, 20));
    expect(groups).toEqual([
      ['a:1', 'b:1'],
      ['c:1', 'd:1'],
    ]);
    releases.get('a:1,b:1')!();
    await new Promise((r) => setTimeout(r, 20));
    // The first group ended: a:2 and b:2 (in submission order) go together.
    expect(groups[2]).toEqual(['a:2', 'b:2']);
    releases.get('c:1,d:1')!();
    releases.get('a:2,b:2')!();
    await Promise.all([...first, ...later]);
    expect(done.indexOf('a:1')).toBeLessThan(done.indexOf('a:2'));
    expect(done.indexOf('b:1')).toBeLessThan(done.indexOf('b:2'));
  });

  it('applies a group that fails as a whole again one item at a time: only the bad item fails', async () => {
    const calls: number[][] = [];
    const grouper = new MessageGrouper<number>(
      async (items): Promise<GroupOutcome> => {
        calls.push(items);
        if (items.includes(13)) throw new Error('poison');
        return items.map(() => null);
      },
      { maxItems: 10, lingerMs: 5 },
    );
    const results = await Promise.allSettled([12, 13, 14].map((n) => grouper.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(calls).toEqual([[12, 13, 14], [12], [13], [14]]);
  });

  it('with onGroupError reject_all, a group that fails as a whole rejects every item with its error', async () => {
    const calls: number[][] = [];
    const grouper = new MessageGrouper<number>(
      async (items): Promise<GroupOutcome> => {
        calls.push(items);
        throw new Error('database gone');
      },
      { maxItems: 10, lingerMs: 5, onGroupError: 'reject_all' },
    );
    const results = await Promise.allSettled([1, 2].map((n) => grouper.submit(n)));
    expect(results.map((r) => (r as PromiseRejectedResult).reason?.message)).toEqual([
      'database gone',
      'database gone',
    ]);
    expect(calls).toEqual([[1, 2]]);
  });

  it('an item never settles before its group was applied', async () => {
    const grouper = new MessageGrouper<number>(() => never<GroupOutcome>(), { maxItems: 10, lingerMs: 1 });
    const settled = await Promise.race([
      grouper.submit(1).then(() => 'settled'),
      new Promise((r) => setTimeout(() => r('pending'), 30)),
    ]);
    expect(settled).toBe('pending');
  });

  it('refuses options that could never apply a group', () => {
    expect(() => new MessageGrouper(async () => [], { maxItems: 0, lingerMs: 5 })).toThrow(/invalid options/);
    expect(() => new MessageGrouper(async () => [], { maxItems: 5, lingerMs: 5, maxInFlight: 0 })).toThrow(
      /invalid options/,
    );
  });
});
