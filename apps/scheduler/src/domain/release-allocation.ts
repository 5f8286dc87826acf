/** A running batch as the release pass sees it. */
export interface ReleaseCandidate {
  batch_id: string;
  org_id: string;
  /** `concurrency` minus released-and-unfinished. */
  capacity: number;
  /**
   * How many of its contacts the batch may call right now (waiting, due, calling window open),
   * counted up to at least what it could be given. A batch with nothing callable gets no slot, so
   * the slot goes to the next batch in line (issue 12 §2).
   */
  callable: number;
  /** The batch `priority` setting: higher batches are served first within an org. */
  priority: number;
  last_release_at: Date | null;
  /** `call_timing.delay_between_calls_seconds`: at most one call start per this many seconds. */
  delay_between_calls_seconds: number;
}

/** Org-wide slots left: `max_concurrent_calls` minus released-and-unfinished over all its batches. */
export type OrgHeadroom = Map<string, number>;

/**
 * The order an org's batches are served in: highest `priority` first, then the batch served longest
 * ago (never served = first), then `batch_id` so the order is total.
 */
export function fairnessOrder(a: ReleaseCandidate, b: ReleaseCandidate): number {
  return (
    b.priority - a.priority ||
    (a.last_release_at?.getTime() ?? -Infinity) - (b.last_release_at?.getTime() ?? -Infinity) ||
    a.batch_id.localeCompare(b.batch_id)
  );
}

/**
 * How many contacts each batch may release now. Within an org the free slots go round-robin,
 * one at a time, in `fairnessOrder`, so two batches of one org share the org limit fairly. A batch
 * never gets more than it can use: its own capacity, its callable contacts, and with a call spacing
 * at most one start per spacing interval. A slot a batch cannot use goes on to the next batch in
 * the same pass, so every org gets min(free slots, sum of what its batches can use) - no slot stays
 * idle while any batch of the org has a contact it may call now (issue 12 §2).
 * Result: batch_id -> count, only batches given at least one.
 */
export function allocateReleases(
  candidates: readonly ReleaseCandidate[],
  headroom: OrgHeadroom,
  now: Date,
): Map<string, number> {
  const allocation = new Map<string, number>();
  const byOrg = new Map<string, ReleaseCandidate[]>();
  for (const candidate of candidates) {
    const list = byOrg.get(candidate.org_id) ?? [];
    list.push(candidate);
    byOrg.set(candidate.org_id, list);
  }
  for (const [orgId, batches] of byOrg) {
    let free = Math.max(0, headroom.get(orgId) ?? 0);
    let hungry = [...batches]
      .sort(fairnessOrder)
      .map((b) => ({ id: b.batch_id, limit: usableNow(b, now) }))
      .filter((b) => b.limit > 0);
    while (free > 0 && hungry.length > 0) {
      for (const batch of hungry) {
        if (free === 0) break;
        const given = (allocation.get(batch.id) ?? 0) + 1;
        allocation.set(batch.id, given);
        batch.limit--;
        free--;
      }
      hungry = hungry.filter((b) => b.limit > 0);
    }
  }
  return allocation;
}

/** What one batch could use now, the org limit aside. */
export function usableNow(batch: ReleaseCandidate, now: Date): number {
  const own = Math.min(Math.max(0, batch.capacity), Math.max(0, batch.callable));
  if (batch.delay_between_calls_seconds <= 0) return own;
  const spacedOut =
    batch.last_release_at === null ||
    now.getTime() - batch.last_release_at.getTime() >= batch.delay_between_calls_seconds * 1000;
  return spacedOut ? Math.min(own, 1) : 0;
}
