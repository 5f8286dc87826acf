import { Injectable } from '@nestjs/common';

/**
 * Wakes the webhook dispatcher when deliveries were just recorded, so they go out now rather than
 * at the next poll (WEBHOOK_POLL_MS). In-process only: another replica's dispatcher finds them at
 * its next poll. The use cases that record deliveries `poke()`; the dispatch loop `waitForPoke()`s.
 */
@Injectable()
export class WebhookDispatchSignal {
  private wake: (() => void) | null = null;

  /** New deliveries were recorded: look now rather than at the next poll. */
  poke(): void {
    this.wake?.();
  }

  /** Resolves at the next poke, or after `ms` without one. */
  async waitForPoke(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }
}
