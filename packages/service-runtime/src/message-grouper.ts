/**
 * How a group was applied: one entry per item, at the same index. `null` or `undefined`: applied
 * (or dropped on purpose: a repeat, an ignored event); an error: that item's own failure (e.g. a
 * TransientError "not known yet"), which goes back to its submitter only.
 */
export type GroupOutcome = (unknown | null | undefined)[];

/** Tuning of a MessageGrouper. */
export interface MessageGrouperOptions<T = unknown> {
  /** Largest group handed to `apply`; a group is applied as soon as it has this many items. */
  maxItems: number;
  /** How long the first item of a group waits for company before the group is applied (ms). */
  lingerMs: number;
  /**
   * Groups applied at once (default 1). More than one lets groups overlap: `apply` must then take
   * its locks in an order that cannot deadlock with another group of the same grouper.
   */
  maxInFlight?: number;
  /**
   * What happens when `apply` rejects for the group as a whole (a deadlock, a lost connection, a bad
   * row): `one_by_one` (default) applies every item again alone, in order, so only the item at fault
   * fails; `reject_all` rejects every item of the group with that error.
   */
  onGroupError?: 'one_by_one' | 'reject_all';
  /**
   * The item's key (e.g. its attempt id), with maxInFlight > 1: an item whose key is in a group under
   * way waits for that group to end (it joins the next group that may take it), so the items of one
   * key are never applied by two groups at once, and keep their submission order. Items of one key
   * in the same group are fine (apply sees them in order). Without it, groups take items in order.
   */
  keyOf?: (item: T) => string | undefined;
}

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Micro-batching of message handlers (issue 16; the scheduler's EventBatcher and reporting's
 * EventAccumulator made one): the messages a JetStream handler receives at once (its consumer's
 * `concurrency`) are applied together, e.g. in one transaction, while each message is still settled
 * on its own: `submit(item)` resolves once the group holding the item was applied, and rejects with
 * that item's own error, so the transport acks, naks (with the error's delay) or dead-letters each
 * message as if it had been handled alone, and only after the group committed.
 *
 * Items accumulate for at most `lingerMs` after the first (or until `maxItems`), then
 * `apply(items)` runs once for the group. While `maxInFlight` groups are under way, arriving items
 * form the next group, applied as soon as one ends (they have waited long enough): under load groups
 * grow by themselves, at rest an item waits at most `lingerMs`. Items are handed to `apply` in the
 * order submitted. `apply` returns one entry per item (see GroupOutcome); a missing entry counts as
 * applied. In-process only: a crash loses nothing the broker would not redeliver (unsettled
 * messages come back after their ack wait).
 */
export class MessageGrouper<T> {
  private queue: Pending<T>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private readonly maxInFlight: number;
  /** Keys held by the groups under way (keyOf), with how many items of each. */
  private readonly busy = new Map<string, number>();

  /**
   * @param apply applies a group (1..maxItems items, in submission order); see GroupOutcome.
   * @throws Error when maxItems or maxInFlight is below 1, or lingerMs negative.
   */
  constructor(
    private readonly apply: (items: T[]) => Promise<GroupOutcome>,
    private readonly options: MessageGrouperOptions<T>,
  ) {
    this.maxInFlight = options.maxInFlight ?? 1;
    if (options.maxItems < 1 || this.maxInFlight < 1 || options.lingerMs < 0) {
      throw new Error(`MessageGrouper: invalid options ${JSON.stringify(options)}`);
    }
  }

  /** Queues the item; resolves when its group was applied, rejects with the item's own error. */
  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a group (not yet handed to `apply`). */
  get waiting(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.queue.length === 0 || this.inFlight >= this.maxInFlight) return;
    if (this.queue.length >= this.options.maxItems && this.busy.size === 0) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), this.options.lingerMs);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    const group = this.take();
    if (group.length === 0) return; // every waiting item's key is under way: the group's end flushes
    const keys = this.options.keyOf ? group.map((p) => this.options.keyOf!(p.item)) : [];
    for (const key of keys) if (key !== undefined) this.busy.set(key, (this.busy.get(key) ?? 0) + 1);
    this.inFlight++;
    void this.run(group).finally(() => {
      this.inFlight--;
      for (const key of keys) {
        if (key === undefined) continue;
        const left = this.busy.get(key)! - 1;
        if (left === 0) this.busy.delete(key);
        else this.busy.set(key, left);
      }
      // Items that arrived meanwhile have waited long enough: apply them at once.
      if (this.queue.length > 0) this.flush();
    });
  }

  /**
   * The next group: up to maxItems waiting items in order, skipping (and keeping queued, in order)
   * items whose key a group under way holds, and every later item of such a key.
   */
  private take(): Pending<T>[] {
    const keyOf = this.options.keyOf;
    if (!keyOf || this.busy.size === 0) return this.queue.splice(0, this.options.maxItems);
    const group: Pending<T>[] = [];
    const kept: Pending<T>[] = [];
    for (const pending of this.queue) {
      const key = keyOf(pending.item);
      if (group.length < this.options.maxItems && (key === undefined || !this.busy.has(key))) group.push(pending);
      else kept.push(pending);
    }
    this.queue = kept;
    return group;
  }

  private async run(group: Pending<T>[]): Promise<void> {
    let outcome: GroupOutcome;
    try {
      outcome = await this.apply(group.map((p) => p.item));
    } catch (error) {
      if (group.length === 1 || this.options.onGroupError === 'reject_all') {
        for (const pending of group) pending.reject(error);
        return;
      }
      // The group as a whole failed: one by one, so only the item at fault fails.
      for (const pending of group) await this.run([pending]);
      return;
    }
    group.forEach((pending, i) => {
      const error = outcome[i];
      if (error === null || error === undefined) pending.resolve();
      else pending.reject(error);
    });
  }
}
