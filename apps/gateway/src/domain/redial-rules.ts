import { CALL_OUTCOMES, FINAL_CONTACT_STATUSES } from '@outdial/contracts';

/**
 * What a redial may ask for (SPEC §4 "Redial"): final contact statuses (`failed`, `voicemail`,
 * `cancelled`, `expired`, …) and attempt outcomes (`busy`, `no_answer`, `timeout`, …). An outcome
 * names the contacts whose retries ran out on it: final, and with that `last_outcome`.
 */
export const REDIAL_STATUSES: readonly string[] = [...new Set<string>([...FINAL_CONTACT_STATUSES, ...CALL_OUTCOMES])];

/** The contact statuses to ask reporting for, given the statuses and outcomes a redial names. */
export function reportingStatusesFor(statuses: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of statuses) {
    if ((FINAL_CONTACT_STATUSES as readonly string[]).includes(s)) out.add(s);
    // An outcome that is not itself a final status (busy, no_answer, timeout) only ends a contact
    // as `failed` with that last outcome.
    else out.add('failed');
  }
  return [...out];
}

/**
 * Whether a final contact is one a redial of `statuses` calls again: its status is named, or its
 * last outcome is (a `failed` contact whose last attempt was `busy` matches `busy`).
 */
export function matchesRedial(
  contact: { status: string; last_outcome: string | null },
  statuses: readonly string[],
): boolean {
  if (!(FINAL_CONTACT_STATUSES as readonly string[]).includes(contact.status)) return false;
  if (statuses.includes(contact.status)) return true;
  return contact.status === 'failed' && contact.last_outcome !== null && statuses.includes(contact.last_outcome);
}

/** Settings of the original that never carry over: its times have passed, its mapping was for its file. */
const NOT_INHERITED = new Set(['scheduled_start_time', 'end_time', 'column_mapping']);

/**
 * The create request of a redial: the original's settings (as ingest stored them, times in UTC),
 * then the caller's overrides, then the link to the original in `metadata.redial_of`.
 * `name` defaults to "<original name> (redial)".
 */
export function redialCreateRequest(
  original: {
    batch_id: string;
    name: string;
    agent_id: string;
    from_number: string;
    settings: Record<string, unknown>;
  },
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  const inherited: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(original.settings)) {
    if (!NOT_INHERITED.has(key) && value !== null && value !== undefined) inherited[key] = value;
  }
  const metadata = {
    ...((inherited.metadata as Record<string, unknown>) ?? {}),
    ...((overrides.metadata as Record<string, unknown>) ?? {}),
    redial_of: original.batch_id,
  };
  return {
    ...inherited,
    name: `${original.name} (redial)`,
    agent_id: original.agent_id,
    from_number: original.from_number,
    ...overrides,
    metadata,
    // The contacts travel as JSON objects whose phone is under `phone`, whatever the original's header.
    column_mapping: { phone: 'phone' },
  };
}

/** One contact of the redial's upload: the original's phone (E.164), name and variables. */
export function redialContact(contact: {
  phone: string;
  name: string | null;
  variables: Record<string, string> | null;
}): Record<string, string> {
  const row: Record<string, string> = { ...(contact.variables ?? {}) };
  if (contact.name !== null && contact.name !== '') row.name = contact.name;
  row.phone = contact.phone;
  return row;
}
