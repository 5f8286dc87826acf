/** One key's reads: whether a fetch is under way, and the one queued to start when it ends. */
interface KeyFlight<V> {
  next?: { promise: Promise<V>; release: () => void };
}

/**
 * Coalesces concurrent reads of one key (issue 16: ten clients polling one batch's status cost ten
 * round trips through NATS, reporting and PostgreSQL per round) without ever answering a caller
 * with a read that began before it asked, so read-your-writes holds exactly as without it: whatever
 * a write acknowledged before the call, the answer reflects.
 *
 * - No fetch of the key under way: this call starts one and gets its result.
 * - A fetch under way (it began before this call, so it may miss a write just acknowledged): the
 *   call waits for the NEXT fetch of the key, started as soon as the current one ends, and shared by
 *   every caller that arrived meanwhile. At most one fetch per key is under way, at most one queued.
 *
 * A failed fetch rejects every caller that shared it with the same error (e.g. `not_found`); the
 * next call starts afresh. The key must identify everything the fetch depends on (tenant included):
 * callers with one key get one answer. In-process only; nothing is cached once a fetch has ended.
 */
export class FreshSingleFlight<V> {
  private readonly flights = new Map<string, KeyFlight<V>>();
  private joined = 0;

  /** Reads that shared a fetch another call started (did not cost a fetch of their own), since start. */
  get coalesced(): number {
    return this.joined;
  }

  /** Keys with a fetch under way. */
  get inFlight(): number {
    return this.flights.size;
  }

  /**
   * The result of a fetch of `key` that started at or after this call.
   * @param fetch the read itself; whichever caller queued the next fetch supplies it, so every
   *   caller of one key must ask for the same thing.
   * @throws whatever the shared fetch rejects with.
   */
  read(key: string, fetch: () => Promise<V>): Promise<V> {
    const flight = this.flights.get(key);
    if (!flight) {
      const fresh: KeyFlight<V> = {};
      this.flights.set(key, fresh);
      return this.run(key, fresh, fetch);
    }
    this.joined++;
    if (!flight.next) {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      flight.next = { promise: gate.then(() => this.run(key, flight, fetch)), release };
    }
    return flight.next.promise;
  }

  private run(key: string, flight: KeyFlight<V>, fetch: () => Promise<V>): Promise<V> {
    let result: Promise<V>;
    try {
      result = fetch();
    } catch (error) {
      result = Promise.reject(error);
    }
    const settled = (): void => {
      const next = flight.next;
      if (next) {
        flight.next = undefined;
        next.release();
      } else {
        this.flights.delete(key);
      }
    };
    result.then(settled, settled);
    return result;
  }
}
