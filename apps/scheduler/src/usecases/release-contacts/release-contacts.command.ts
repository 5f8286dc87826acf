/** One release pass (the release loop's periodic tick, or a kick when a slot freed up). */
export interface ReleaseContactsCommand {
  /** The release loop's pass number, in debug logs, to tie together what one pass did. */
  pass: number;
}

/** A batch whose waiting contacts include some whose zones never share an open hour. */
export interface StrandedZones {
  batch_id: string;
  /** The zone keys (`Zone1&Zone2`) whose calling window never opens under the batch's policy. */
  zone_keys: string[];
}

/** What a release pass did and found. */
export interface ReleaseContactsResult {
  /** Contacts released to the dialer (dial requests enqueued). */
  released: number;
  /** Batches with never-callable waiting contacts, for ExpireNeverCallableContactsUseCase. */
  stranded: StrandedZones[];
}
