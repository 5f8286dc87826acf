/** How an `EventBatcher` groups: at most `maxItems` a group, waiting at most `lingerMs` for more. */
export interface EventBatcherOptions {
  /** Largest group handed to `apply` (the rest waits for the next group). */
  maxItems: number;
  /** How long the first item of a group waits for company before the group is applied (ms). */
  lingerMs: number;
}

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the messages a JetStream handler receives at once (its consumer's `concurrency`) into
 * groups applied together (issue 16: one transaction for many call events), while each message is
 * still settled on its own: `submit` resolves once the group holding the item was applied (the
 * transaction committed), and rejects with that item's own error, so the transport acks, naks or
 * dead-letters each message as if it had been handled alone.
 *
 * `apply(items)` returns one entry per item, at the same index: undefined when applied (or nothing
 * to do), the item's error otherwise; if `apply` itself rejects, every item of the group rejects with
 * that error. One group is applied at a time: items arriving meanwhile form the next group, applied
 * as soon as the current one ends (they have waited long enough), so under load groups grow by
 * themselves and at rest an item waits at most `lingerMs`. Order: items are applied in the order
 * submitted, a later group after an earlier one.
 */
export class EventBatcher<T> {
  private waiting: Waiting<T>[] = [];
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly apply: (items: T[]) => Promise<(unknown | undefined)[]>,
    private readonly options: EventBatcherOptions,
  ) {}

  /** Resolves when `item` was applied; rejects with its error. */
  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.busy) return; // the group under way takes the next one when it ends
      if (this.waiting.length >= this.options.maxItems) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.lingerMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.busy || this.waiting.length === 0) return;
    const group = this.waiting.splice(0, this.options.maxItems);
    this.busy = true;
    void this.run(group).finally(() => {
      this.busy = false;
      if (this.waiting.length > 0) this.flush();
    });
  }

  private async run(group: Waiting<T>[]): Promise<void> {
    let errors: (unknown | undefined)[];
    try {
      errors = await this.apply(group.map((w) => w.item));
    } catch (error) {
      for (const w of group) w.reject(error);
      return;
    }
    group.forEach((w, i) => {
      const error = errors[i];
      if (error === undefined) w.resolve();
      else w.reject(error);
    });
  }
}
