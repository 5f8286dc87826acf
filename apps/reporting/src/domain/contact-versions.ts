/**
 * The scheduler numbers the updates of one contact; an update applies only when it is newer than
 * what is stored, so late or repeated deliveries never move a contact backwards.
 * Version 0 means "never updated by the scheduler" (ingested, or a placeholder).
 */
export function isNewerVersion(storedVersion: number, eventVersion: number): boolean {
  return eventVersion > storedVersion;
}

/** Contacts ingest keeps but never dials (`suppressed`, `invalid_number`) are final from the start. */
export function isFinalAtIngest(status: string): boolean {
  return status !== 'pending';
}
