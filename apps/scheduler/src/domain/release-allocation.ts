/** A running batch as the release pass sees it. */
export interface ReleaseCandidate {
  batch_id: string;
  org_id: string;
  /** `concurrency` minus released-and-unfinished. */
  capacity: number;
  /** The batch `priority` setting: higher batches are served first within an org. */
  priority: number;
  last_release_at: Date | null;
  /** `call_timing.delay_between_calls_seconds`: at most one call start per this many seconds. */
  delay_between_calls_seconds: number;
}

/** Org-wide slots left: `max_concurrent_calls` minus released-and-unfinished over all its batches. */
export type OrgHeadroom = Map<string, number>;

/**
 * How many contacts each batch may release now. Within an org the free slots go round-robin,
 * one at a time, highest batch priority first and then the batch served longest ago, so two
 * batches of one org share the org limit fairly; a batch never gets more than its own capacity,
 * and a batch with a call spacing gets at most one start per spacing interval.
 */
export function allocateReleases(candidates: readonly ReleaseCandidate[], headroom: OrgHeadroom, now: Date): Map<string, number> {
  const allocation = new Map<string, number>();
  const byOrg = new Map<string, ReleaseCandidate[]>();
  for (const candidate of candidates) {
    const list = byOrg.get(candidate.org_id) ?? [];
    list.push(candidate);
    byOrg.set(candidate.org_id, list);
  }
  for (const [orgId, batches] of byOrg) {
    let free = Math.max(0, headroom.get(orgId) ?? 0);
    const ordered = [...batches].sort(
      (a, b) =>
        b.priority - a.priority ||
        (a.last_release_at?.getTime() ?? -Infinity) - (b.last_release_at?.getTime() ?? -Infinity) ||
        a.batch_id.localeCompare(b.batch_id),
    );
    const limits = new Map(ordered.map((b) => [b.batch_id, ownLimit(b, now)]));
    let progressed = true;
    while (free > 0 && progressed) {
      progressed = false;
      for (const batch of ordered) {
        if (free === 0) break;
        const given = allocation.get(batch.batch_id) ?? 0;
        if (given >= (limits.get(batch.batch_id) ?? 0)) continue;
        allocation.set(batch.batch_id, given + 1);
        free--;
        progressed = true;
      }
    }
  }
  return allocation;
}

function ownLimit(batch: ReleaseCandidate, now: Date): number {
  const capacity = Math.max(0, batch.capacity);
  if (batch.delay_between_calls_seconds <= 0) return capacity;
  const spacedOut = batch.last_release_at === null || now.getTime() - batch.last_release_at.getTime() >= batch.delay_between_calls_seconds * 1000;
  return spacedOut ? Math.min(capacity, 1) : 0;
}
