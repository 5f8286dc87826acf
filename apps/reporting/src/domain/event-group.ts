import type { CallFinishedEvent, CallStartedEvent, ContactUpdatedEvent } from '@outdial/contracts';

import { isNewerVersion } from './contact-versions';

/** An event the read model applies in groups (many in one transaction): the dialer's calls and the scheduler's decisions. */
export type GroupedEvent =
  | { kind: 'call_started'; event: CallStartedEvent }
  | { kind: 'call_finished'; event: CallFinishedEvent }
  | { kind: 'contact_updated'; event: ContactUpdatedEvent };

/** Contact statuses that wait for a call (not final, not in a call): a batch cancel ends them `cancelled`. */
export const WAITING_STATUSES: readonly string[] = ['pending', 'queued'];

/** The part of a scheduler decision the read model writes on the contact. */
export interface ContactDecision {
  status: string;
  final: boolean;
  nextRetryAt: string | null;
}

/**
 * What the read model records of a scheduler decision, or null when it is not newer than the
 * stored version (late or repeated: ignored). In a batch the read model already shows
 * `cancelled`, a decision that would leave the contact waiting (`pending`/`queued`, e.g. a retry
 * planned just before the cancel) is recorded as `cancelled` (SPEC §4: every non-final contact
 * ends cancelled; the read model never shows a waiting contact in a cancelled batch). Decisions
 * about calls (`dialing`, `in_progress`) and final outcomes apply as they are: a call in progress
 * at the cancel finishes with its real outcome.
 */
export function decisionToRecord(
  storedVersion: number,
  event: Pick<ContactUpdatedEvent, 'version' | 'status' | 'final' | 'next_retry_at'>,
  batchStatus: string,
): ContactDecision | null {
  if (!isNewerVersion(storedVersion, event.version)) return null;
  if (batchStatus === 'cancelled' && !event.final && WAITING_STATUSES.includes(event.status)) {
    return { status: 'cancelled', final: true, nextRetryAt: null };
  }
  return { status: event.status, final: event.final, nextRetryAt: event.next_retry_at ?? null };
}

/** The first item for each key, in order (an upsert cannot touch one row twice in a statement). */
export function firstPerKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(item);
  }
  return out;
}

/** The later of two instants (ISO 8601 strings or dates; null/undefined is "unknown"). */
export function laterInstant(
  a: string | Date | null | undefined,
  b: string | Date | null | undefined,
): string | Date | null {
  if (a === null || a === undefined) return b ?? null;
  if (b === null || b === undefined) return a;
  return new Date(b).getTime() > new Date(a).getTime() ? b : a;
}

/** Ten-thousandths of a currency unit: a cost as stored (numeric(16, 4)), to sum costs exactly. */
export function costUnits(cost: number): number {
  return Math.round(cost * 10_000);
}
