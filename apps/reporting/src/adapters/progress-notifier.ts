import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { FINAL_BATCH_STATUSES, ProgressMessage, progressSubject } from '@outdial/contracts';
import { BackgroundTasks, Clock, Logger, NatsBus, SERVICE_LOGGER } from '@outdial/service-runtime';

import { BatchReadModelRepository } from '../persistence/batch-read-model.repository';
import { ProgressSlotsRepository } from '../persistence/progress-slots.repository';
import { ReportingEnv } from '../reporting-env';

interface BatchSlot {
  timer: NodeJS.Timeout | null;
  lastSentAt: number;
  /** The shared slot was taken by another replica once already for the pending change. */
  lostOnce: boolean;
}

/**
 * Live progress (SPEC §8): after a change to a batch commits, its status goes out on core NATS
 * `<prefix>.v1.progress.<batch_id>`, coalesced to at most one message per PROGRESS_INTERVAL_MS per
 * batch: a burst of changes becomes one message with the latest numbers, never a queue. A batch
 * in a final status sends `final`. Fire-and-forget: nobody listening costs nothing, and a slow
 * listener never slows the event pipeline. The use cases that change a batch call `touch` after
 * their commit.
 *
 * Across replicas (each applies some of a batch's events): a message goes out only after taking the
 * batch's shared slot (`ProgressSlotsRepository.claim`, at most one per batch per interval for all
 * replicas). A replica that finds the slot taken tries once more an interval later; if the slot
 * is taken again then, the replica that took it read the batch after this replica's change
 * committed, so its message carried the change and nothing more is sent: no duplicate messages,
 * no change left unsent.
 */
@Injectable()
export class ProgressNotifier implements OnApplicationShutdown {
  private readonly slots = new Map<string, BatchSlot>();
  private stopped = false;

  constructor(
    private readonly batches: BatchReadModelRepository,
    private readonly progressSlots: ProgressSlotsRepository,
    private readonly bus: NatsBus,
    private readonly clock: Clock,
    private readonly env: ReportingEnv,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    tasks: BackgroundTasks,
  ) {
    // Forget batches that have been quiet for a while, so the map stays small.
    tasks.every('progress-slots-sweep', 10_000, async () => this.sweep());
  }

  /** A change to the batch committed. */
  touch(batchId: string): void {
    if (this.stopped) return;
    let slot = this.slots.get(batchId);
    if (!slot) {
      slot = { timer: null, lastSentAt: 0, lostOnce: false };
      this.slots.set(batchId, slot);
    }
    if (slot.timer) return; // a message with the latest numbers is already on its way
    const wait = Math.max(0, slot.lastSentAt + this.env.PROGRESS_INTERVAL_MS - Date.now());
    const current = slot;
    current.timer = setTimeout(() => void this.flush(batchId, current), wait);
  }

  private async flush(batchId: string, slot: BatchSlot): Promise<void> {
    slot.lastSentAt = Date.now();
    // Cleared before reading, so a change committed during the read schedules another message.
    slot.timer = null;
    try {
      if (!(await this.progressSlots.claim(batchId, this.env.PROGRESS_INTERVAL_MS))) {
        // Another replica sent this batch's progress within the interval.
        if (!slot.lostOnce && !slot.timer && !this.stopped) {
          slot.lostOnce = true;
          slot.timer = setTimeout(() => void this.flush(batchId, slot), this.env.PROGRESS_INTERVAL_MS);
        } else slot.lostOnce = false;
        return;
      }
      slot.lostOnce = false;
      const view = await this.batches.statusView(batchId, null, this.clock.now());
      if (!view || this.stopped) return;
      const message: ProgressMessage = {
        type: (FINAL_BATCH_STATUSES as readonly string[]).includes(view.status) ? 'final' : 'progress',
        batch: view,
      };
      this.bus.publishCore(progressSubject(batchId), message);
    } catch (error) {
      this.logger.warn({ err: error, batch_id: batchId }, 'progress message not sent');
    }
  }

  private sweep(): void {
    const cutoff = Date.now() - 10_000;
    for (const [batchId, slot] of this.slots) if (!slot.timer && slot.lastSentAt < cutoff) this.slots.delete(batchId);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const slot of this.slots.values()) if (slot.timer) clearTimeout(slot.timer);
  }
}
