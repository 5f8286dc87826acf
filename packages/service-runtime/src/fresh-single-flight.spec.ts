import { FreshSingleFlight } from './fresh-single-flight';

/** A fetch whose answer the test gives by hand; `started` counts the fetches begun. */
function controlledSource() {
  const pending: { resolve: (v: number) => void; reject: (e: unknown) => void }[] = [];
  let value = 0;
  return {
    pending,
    set(v: number) {
      value = v;
    },
    /** The fetch: captures the source's value when it STARTS (what a read that began then would see). */
    fetch: () =>
      new Promise<number>((resolve, reject) => {
        const seen = value;
        pending.push({ resolve: () => resolve(seen), reject });
      }),
    finish(i: number) {
      pending[i].resolve(0);
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('FreshSingleFlight', () => {
  it('starts a fetch for a lone read and forgets the key once it ended', async () => {
    const flights = new FreshSingleFlight<number>();
    const source = controlledSource();
    source.set(7);
    const read = flights.read('a', source.fetch);
    expect(flights.inFlight).toBe(1);
    source.finish(0);
    await expect(read).resolves.toBe(7);
    await tick();
    expect(flights.inFlight).toBe(0);
    expect(flights.coalesced).toBe(0);
  });

  it('never answers a read with a fetch that began before it: callers during a fetch share the next one', async () => {
    const flights = new FreshSingleFlight<number>();
    const source = controlledSource();
    source.set(1);
    const first = flights.read('a', source.fetch);
    // A write acknowledged while the first fetch is under way: later readers must see it.
    source.set(2);
    const second = flights.read('a', source.fetch);
    const third = flights.read('a', source.fetch);
    expect(source.pending).toHaveLength(1);
    source.finish(0);
    await expect(first).resolves.toBe(1);
    await tick();
    expect(source.pending).toHaveLength(2); // the shared second fetch started after the first ended
    source.finish(1);
    await expect(second).resolves.toBe(2);
    await expect(third).resolves.toBe(2);
    expect(flights.coalesced).toBe(2);
  });

  it('keeps keys apart: one key waiting never delays another', async () => {
    const flights = new FreshSingleFlight<number>();
    const a = controlledSource();
    const b = controlledSource();
    a.set(1);
    b.set(5);
    const readA = flights.read('a', a.fetch);
    const readB = flights.read('b', b.fetch);
    b.finish(0);
    await expect(readB).resolves.toBe(5);
    a.finish(0);
    await expect(readA).resolves.toBe(1);
    expect(flights.coalesced).toBe(0);
  });

  it('gives every caller of a failed fetch its error, and the next read fetches afresh', async () => {
    const flights = new FreshSingleFlight<number>();
    const source = controlledSource();
    const first = flights.read('a', source.fetch);
    const waiting = [flights.read('a', source.fetch), flights.read('a', source.fetch)];
    source.finish(0);
    await first;
    await tick();
    source.pending[1].reject(new Error('not_found'));
    await expect(waiting[0]).rejects.toThrow('not_found');
    await expect(waiting[1]).rejects.toThrow('not_found');
    await tick();
    expect(flights.inFlight).toBe(0);
    source.set(9);
    const again = flights.read('a', source.fetch);
    source.finish(2);
    await expect(again).resolves.toBe(9);
  });

  it('turns a fetch that throws synchronously into a rejection for its callers', async () => {
    const flights = new FreshSingleFlight<number>();
    await expect(
      flights.read('a', () => {
        throw new Error('bad request');
      }),
    ).rejects.toThrow('bad request');
    await tick();
    expect(flights.inFlight).toBe(0);
  });
});
