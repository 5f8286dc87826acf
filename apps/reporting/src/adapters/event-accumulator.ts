/**
 * How a group of items was applied: one entry per item, in the same order. `null` means applied
 * (or dropped on purpose: a repeat, a deleted batch); an Error is that item's own failure (e.g. a
 * TransientError "batch not known yet") and goes back to its caller only.
 */
export type GroupOutcome = (Error | null)[];

/** Tuning of an EventAccumulator. */
export interface AccumulatorOptions {
  /** A group is applied once it has this many items (or when `lingerMs` has passed since its first). */
  maxItems: number;
  /** How long the first item of a group waits for others, milliseconds. */
  lingerMs: number;
  /** Groups applied at once (each is one transaction; more than one lets distinct batches overlap). */
  maxInFlight: number;
}

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Micro-batching of message handlers: each `submit(item)` returns a promise that settles when the
 * group containing the item has been applied, so the JetStream transport still acks (resolve) or
 * naks (reject) every message on its own, and only after the group's transaction committed.
 *
 * Items accumulate for at most `lingerMs` (or until `maxItems`), then `apply(items)` runs once for
 * the whole group. When `apply` throws for the group as a whole (a deadlock, a bad row, a lost
 * connection), every item is applied again alone, one by one, so one poisonous message fails only
 * itself and the rest are not held back. Per-item errors returned by `apply` reject only that item.
 *
 * In-process only: nothing is lost on a crash that the broker would not redeliver (unsettled
 * messages come back after their ack wait).
 */
export class EventAccumulator<T> {
  private queue: Pending<T>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;

  constructor(
    private readonly apply: (items: T[]) => Promise<GroupOutcome>,
    private readonly options: AccumulatorOptions,
  ) {}

  /** Queues the item; settles when its group was applied (rejects with the item's own error). */
  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.queue.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    if (this.queue.length >= this.options.maxItems) {
      this.flush();
      return;
    }
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.options.lingerMs);
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.inFlight >= this.options.maxInFlight || this.queue.length === 0) return;
    const group = this.queue.splice(0, this.options.maxItems);
    this.inFlight++;
    void this.run(group).finally(() => {
      this.inFlight--;
      this.schedule();
    });
  }

  private async run(group: Pending<T>[]): Promise<void> {
    let outcome: GroupOutcome;
    try {
      outcome = await this.apply(group.map((p) => p.item));
    } catch (error) {
      if (group.length === 1) {
        group[0].reject(error);
        return;
      }
      // The group as a whole failed: one by one, so only the item at fault fails.
      for (const pending of group) await this.run([pending]);
      return;
    }
    group.forEach((pending, i) => (outcome[i] ? pending.reject(outcome[i]) : pending.resolve()));
  }
}
