import { Injectable } from '@nestjs/common';

/** How long a provider event waits in-process for a dial record before it is naked as before (ms). */
export const LOCAL_DIAL_RECORD_WAIT_MS = 2_000;

/**
 * The dial records this replica is writing right now (PlaceCallUseCase's DIAL_RECORD_GROUP), by
 * attempt id, so a provider event that arrives before its attempt is recorded as dialing (a carrier
 * answers within milliseconds; the simulator at small time scales always does) can wait here for the
 * record instead of a nak and a JetStream redelivery 25 ms later (bench/scale, 1 dialer: ~39 % of
 * provider-event deliveries were such naks). Only the replica that placed the call knows; on any
 * other replica the event is naked exactly as before. In-process only, nothing persisted.
 */
@Injectable()
export class PendingDialRecords {
  private readonly pending = new Map<string, Promise<void>>();

  /** Registers the write of `attemptId`'s dial record (`written` settles when its group committed or failed). */
  track(attemptId: string, written: Promise<unknown>): void {
    const settled = written.then(
      () => undefined,
      () => undefined,
    );
    this.pending.set(attemptId, settled);
    void settled.then(() => {
      if (this.pending.get(attemptId) === settled) this.pending.delete(attemptId);
    });
  }

  /**
   * Resolves true once the dial record of `attemptId` this replica is writing has settled (committed
   * or failed: the caller re-reads the attempt either way), false at once when none is being written
   * here, or after `timeoutMs` when it has not settled by then.
   */
  async settled(attemptId: string, timeoutMs = LOCAL_DIAL_RECORD_WAIT_MS): Promise<boolean> {
    const written = this.pending.get(attemptId);
    if (!written) return false;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([written.then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Dial records being written now (for tests and diagnostics). */
  get size(): number {
    return this.pending.size;
  }
}
